"""Article bodies are Markdown without raw HTML, sanitised again with nh3."""

from kundsvar.knowledge.markup import plain_text, render


def test_markdown_renders_and_raw_html_is_text():
    html = render("# Rubrik\n\n**fet** <script>alert(1)</script> <img src=x onerror=y>")
    assert "<h2>Rubrik</h2>" in html and "<strong>fet</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html


def test_dangerous_links_are_dropped():
    html = render("[klicka](javascript:alert(1)) [ok](https://example.se)")
    assert "javascript:" not in html.replace("[klicka](javascript:alert(1))", "")
    assert '<a href="https://example.se" rel="noopener noreferrer">ok</a>' in html


def test_plain_text_for_emails_and_the_composer():
    text = plain_text("Läs **mer** i [villkoren](https://example.se/villkor).\n\n* ett\n* två")
    assert text == "Läs mer i villkoren (https://example.se/villkor).\n\n- ett\n- två"


def test_plain_text_drops_single_emphasis_but_keeps_ordinary_stars():  # R6: text to adapt
    text = plain_text("Anmäl under *Mina ordrar* och välj _snabbyte_. 3 * 4 = 12, fil_namn.")
    assert text == "Anmäl under Mina ordrar och välj snabbyte. 3 * 4 = 12, fil_namn."
