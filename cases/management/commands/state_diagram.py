from django.core.management.base import BaseCommand

from cases.diagram import mermaid


class Command(BaseCommand):
    help = "Print the case state diagram (Mermaid), generated from the code, for README.md."

    def handle(self, *args, **options):
        self.stdout.write(mermaid())
