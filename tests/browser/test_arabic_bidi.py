"""An Arabic phone reading the results of a Latin query (issue 12): the query in the heading, today's opening
times and the thématique filters read as they should on a right-to-left page."""

from __future__ import annotations

from .conftest import SCREENSHOTS, phone_context

# Reads whether a text node of ``selector`` runs from the left: its first character is left of its last one.
READS_FROM_LEFT = """(selector) => {
    const text = document.querySelector(selector).firstChild;
    const range = document.createRange();
    range.setStart(text, 0); range.setEnd(text, 1);
    const first = range.getBoundingClientRect().x;
    range.setStart(text, text.length - 1); range.setEnd(text, text.length);
    return first < range.getBoundingClientRect().x;
}"""


def test_arabic_phone_results_keep_times_and_query_in_order(live_url, browser):
    context = phone_context(browser, width=390, height=844, locale="ar")
    phone = context.new_page()
    phone.goto(f"{live_url}/ar/recherche?q=aide+administrative")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    # the query, a Latin phrase of two words, keeps its word order inside the Arabic heading
    first_word = phone.locator("h1 bdi").evaluate(
        """(node) => {
            const range = document.createRange();
            range.setStart(node.firstChild, 0); range.setEnd(node.firstChild, 4);
            const aide = range.getBoundingClientRect().x;
            range.setStart(node.firstChild, 5); range.setEnd(node.firstChild, 19);
            return aide < range.getBoundingClientRect().x;
        }"""
    )
    assert first_word, "« aide administrative » shown as « administrative aide »"
    # today's hours: « 08:30 – 12:00 » reads from the left (the range came out as « 12:00 – 08:30 »)
    assert phone.locator(".hit-hours .muted bdi").count() > 0
    ranges = phone.locator(".hit-hours .muted bdi").all_inner_texts()
    assert all("–" in text for text in ranges if " " in text)
    assert phone.evaluate(READS_FROM_LEFT, ".hit-hours .muted bdi")
    start = phone.locator(".hit-hours .muted bdi").first.evaluate(
        """(node) => {
            const range = document.createRange();
            range.setStart(node.firstChild, 0); range.setEnd(node.firstChild, 5);
            const opens = range.getBoundingClientRect().x;
            range.setStart(node.firstChild, node.firstChild.length - 5);
            range.setEnd(node.firstChild, node.firstChild.length);
            return opens < range.getBoundingClientRect().x;
        }"""
    )
    assert start, "the opening time is not on the left of the closing time"
    # the thématiques of the filters are in Arabic
    facets = phone.locator("aside").text_content()
    assert "الحقوق والإجراءات الإدارية" in facets and "Accès aux droits" not in facets
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "ar-results-bidi-phone.png"))
    context.close()
