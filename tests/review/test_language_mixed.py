"""Language detection for the language we answer in: mixed German-English messages (issue 15)."""

import pytest

from review.engine.language import detect_language, language_votes, own_words


@pytest.mark.parametrize(
    "text",
    [
        # Greets and thanks in German, describes the problem in English.
        "Hallo, ich habe eine Frage: my order 4711 was delivered to the wrong address. "
        "Please help, danke!",
        # Pastes the app's English error message.
        'Hallo,\ndie App zeigt immer "Payment failed, please try again later. If the problem '
        'persists, contact your bank." an. Was soll ich tun?\nGruß Jana',
        # German frame, English body with the shop's words.
        "Guten Tag, the refund for order 4711 is still missing, the invoice says 79,90 EUR. "
        "Können Sie das prüfen? MfG",
        # Forwards the shop's English mail with two German lines on top.
        "Hallo,\nsiehe unten, das Paket ist nicht da.\n\n---------- Forwarded message "
        "---------\nFrom: shop <a@example.com>\nDate: Mon\n\nDear customer, your order has "
        "been shipped and will arrive within 3 days. Thank you for your purchase.",
        "I want to cancel my contract. Kündigung bitte bestätigen.",
    ],
)
def test_a_german_customer_writing_english_words_is_answered_in_german(text: str) -> None:
    assert detect_language(text) == "de"


@pytest.mark.parametrize(
    "text",
    [
        "Hi, my Bestellung 4711 is not here yet. Where is it? Thanks",
        # German names and streets are no sign that the writer reads German.
        "Please send it to Hauptstraße 5, 10115 Berlin, c/o Jürgen Müller.",
        "My name is Jürgen Müller, my order 4711 has not arrived.",
        # Our own German mail quoted below an English reply.
        "Thanks for the update, that works for me.\n\nAm 3. Oktober 2026 schrieb Support "
        "<s@example.de>:\n> Hallo, Ihre Bestellung ist unterwegs. Viele Grüße",
        "Thanks, that helps.\n> Hallo, Ihre Bestellung ist unterwegs.\n> Mit freundlichen Grüßen",
    ],
)
def test_an_english_customer_with_german_names_or_quotes_is_answered_in_english(
    text: str,
) -> None:
    assert detect_language(text) == "en"


def test_quoted_history_and_quotations_are_not_the_customers_words() -> None:
    text = 'Hallo, da steht "your order has shipped".\n> quoted line\nOn Mon, Bob wrote:\nold'
    assert own_words(text).split() == ["Hallo,", "da", "steht", "."]


def test_greetings_count_twice_and_capitalised_umlaut_words_half() -> None:
    assert language_votes("Hallo Müller") == (2.5, 0.0, 1)
    assert language_votes("Dear Jürgen, the order") == (0.5, 4.0, 0)


def test_too_little_german_in_an_english_message_stays_english() -> None:
    # One German word against one English word is not enough to decide: the default does.
    assert detect_language("bitte the", default="en") == "en"
    assert detect_language("bitte the", default="de") == "de"
    assert detect_language("bitte, the order") == "en"


def test_a_message_with_only_a_quotation_keeps_its_words() -> None:
    assert detect_language('"Wo ist meine Bestellung?"') == "de"
