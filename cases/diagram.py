"""The case state diagram, generated from the transitions declared on `Case`."""

from django_fsm import RETURN_VALUE

from cases.models import State, transitions_of

START, END = "[*]", "[*]"


def mermaid() -> str:
    """Return a Mermaid stateDiagram of every transition, one edge per source and target."""
    edges: dict[tuple[str, str], list[str]] = {}
    for name, transitions in sorted(transitions_of().items()):
        for transition in transitions:
            targets = transition.target
            if isinstance(targets, RETURN_VALUE):
                targets = targets.allowed_states
            elif not isinstance(targets, list | tuple):
                targets = [targets]
            for target in targets:
                edges.setdefault((str(transition.source), str(target)), []).append(name)
    order = {state: index for index, state in enumerate(State.values)}
    lines = ["stateDiagram-v2", f"    {START} --> {State.NEW}"]
    for (source, target), names in sorted(
        edges.items(), key=lambda e: (order[e[0][0]], order[e[0][1]])
    ):
        lines.append(f"    {source} --> {target}: {' / '.join(sorted(names))}")
    lines.append(f"    {State.CLOSED} --> {END}")
    return "\n".join(lines)
