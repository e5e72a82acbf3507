"""The upstream reply-parser fixtures, with each library's expected answer mapped to OUR parts.

Our notion (quotes.ReplyParts): `new_text` = what the customer just wrote, without quoted
history and without the signature; `signature` = sign-off / signature block / "Sent from my …";
`quoted` = everything that came from earlier mail. Comparisons are whitespace-normalised.

How each set's targets map (see TRAPS.md "Reply-fixture answers differ by upstream library"):

* github (Ruby): `parse_reply()` is the visible text, and signature fragments are hidden, so it
  is `new_text` — the signature does NOT count. `fragments[0]` of email_1_1 is the whole
  non-signature part (flags [false, true, true]) → `new_text`. Bottom-posted/inline fixtures
  (github email_1_2 = crisp email_2, github email_1_8) have several unquoted fragments: our
  exact target is their concatenation (DERIVED, from the upstream quoted?/signature? flags),
  upstream's "fragments[0] == 'Hi,'" becomes a prefix check, and email_1_8's only signature
  fragment must equal our `signature`.
* zapier (Python port): `parse_reply()` / `.reply` → `new_text`, signature does NOT count.
* mail_parser_reply: `replies[0].body` → `new_text` (signature does NOT count; a trailing rule
  line such as "------" that mail-parser-reply leaves in the body is dropped from the target),
  `replies[0].signatures` → `signature`. `replies[1+]` describe quoted history: their text must
  be in `quoted` and not in `new_text` (secondary checks only).
* crisp (JS): `fragments[0]` / visible text is the text above crisp's first quote or signature.
  crisp keeps sign-offs it does not recognise ("-Abhishek Kona", "—\\nJohn Doe") but drops ones it
  does ("Regards,", "Sent from …"), so the signature is NOT SCORED here: `new_text` or
  `new_text + signature` both match. The strict score (signature excluded) is reported as well.

Only fixtures with an exact upstream answer count toward exact accuracy (74: github 11, zapier 5,
mail-parser-reply 8 — its email_1_3 answer is about quoted history only — crisp 50; the
"(inline)" strings are not fixtures). contains/not_contains, literal regexes on the first
fragment and "one fragment only" (= nothing to strip) are secondary checks. Fragment counts and
flag lists are not mapped. mail-parser-reply's test_keep_hyphen_lists is skipped (SKIPPED).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kundsvar.core.corpora import CORPORA

SETS = {
    "github": ("github_email_reply_parser", "test/emails"),
    "zapier": ("zapier_email_reply_parser", "test/emails"),
    "mail_parser_reply": ("mail_parser_reply", "test/emails"),
    "crisp": ("crisp_email_reply_parser", "test/fixtures"),
}
SIGNATURE_POLICY = {
    "github": "excluded",
    "zapier": "excluded",
    "mail_parser_reply": "excluded",
    "crisp": "not scored",
}

# New text of bottom-posted / inline fixtures = the fragments upstream flags as neither quoted
# nor signature. github email_1_2 / crisp email_2: fragments 0 and 2 (lines 1 and 9-34);
# github email_1_8: fragments 1, 3 and 5.
DERIVED = {
    ("github", "email_1_2"): ((1, 1), (9, 34)),
    ("crisp", "email_2"): ((1, 1), (9, 34)),
    ("github", "email_1_8"): "I will reply under this one\n\nand under this.",
}
# github fragment answers beyond fragments[0], by the upstream flags: email_1_1 has two
# signature fragments ([1] "-Abhishek Kona", [2] list footer) so [1] is a part of our
# signature; email_1_8 [5] is a whitespace-only fragment; [6] is its only signature fragment.
GITHUB_FRAGMENTS = {
    ("email_1_1", 1): ("signature", "contains", False),
    ("email_1_8", 5): None,
    ("email_1_8", 6): ("signature", "equals", True),
}
# Records deliberately not mapped, with the reason.
SKIPPED = {
    ("mail_parser_reply", "test_keep_hyphen_lists"): "runs the library with keep_hyphen_lists; "
    "contradicts test_hyphen_signature on the same file",
}


@dataclass(frozen=True)
class Check:
    set: str
    fixture: str
    part: str  # new_text | signature | quoted | rest (signature + quoted) | new+sig
    op: str  # equals | contains | not_contains | regex
    value: str
    exact: bool
    source: str

    @property
    def id(self) -> str:
        return f"{self.set}/{self.fixture}"


def norm(text: str) -> str:
    return " ".join(text.split())


def fixture_path(set_name: str, fixture: str) -> Path:
    folder, sub = SETS[set_name]
    return CORPORA / folder / sub / f"{fixture}.txt"


def read_fixture(set_name: str, fixture: str) -> str:
    return fixture_path(set_name, fixture).read_text(encoding="utf-8")


def _derived(set_name: str, fixture: str) -> str:
    spec = DERIVED[(set_name, fixture)]
    if isinstance(spec, str):
        return spec
    lines = read_fixture(set_name, fixture).splitlines()
    return "\n\n".join("\n".join(lines[a - 1 : b]) for a, b in spec)


def _literal_regex(assertion: str, fragment_call: str) -> str | None:
    """`/pattern/` from an assertion that tests it against the first fragment."""
    match = re.search(r"/(\^?[^/\\]*(?:\\.[^/\\]*)*)/\.test\(" + fragment_call, assertion)
    if not match:  # Ruby
        match = re.search(r"assert_match\(?\s*/(.*?)/,\s*reply\.fragments\[0\]", assertion)
    if not match:  # Python
        match = re.search(r"re\.match\('([^']*)', message\.fragments\[0\]", assertion)
    return match.group(1) if match else None


def _map(set_name: str, rec: dict) -> list[Check]:
    if (set_name, rec["test"]) in SKIPPED or not rec.get("fixtures"):
        return []
    fixture = rec["fixtures"][0]
    op, target, value = rec["op"], rec.get("target", ""), rec.get("value", "")
    src = rec["assertion"].split("\n")[0][:120]

    def check(part: str, op: str = op, value: str = value, exact: bool = False) -> list[Check]:
        return [Check(set_name, fixture, part, op, value, exact, src)]

    fragment = re.search(r"fragments\[(\d+)\]", target)
    index = int(fragment.group(1)) if fragment else None
    if op == "other":
        whole = read_fixture(set_name, fixture)
        one = r"equal[( ]1, (?:fragments\.length|len\(message\.fragments\)|reply\.fragments\.size)"
        if re.search(one, src, re.IGNORECASE):
            return check("new+sig", "equals", whole)  # nothing to strip: one fragment
        regex = _literal_regex(rec["assertion"], r"fragments\[0\]")
        if regex and fixture != "email_1_8":  # its fragments[0] is the quote header
            return check("new+sig" if set_name == "crisp" else "new_text", "regex", regex)
        return []
    if set_name == "github" and index:
        role = GITHUB_FRAGMENTS.get((fixture, index))
        return check(role[0], role[1], exact=role[2]) if role else []
    if (set_name, fixture) in DERIVED and op == "equals":
        return check("new_text", "regex", "^" + re.escape(value.strip()))
    if set_name == "mail_parser_reply":
        return _map_mpr(check, target, op, value)
    if set_name == "zapier" and index:
        return check("rest")
    part = "new_text" if SIGNATURE_POLICY[set_name] == "excluded" else "new_text~sig"
    return check(part, exact=op == "equals")


def _map_mpr(check, target: str, op: str, value: str) -> list[Check]:
    reply = re.search(r"replies\[(\d+)\]\.(\w+)", target)
    if not reply:
        return []
    index, attribute = int(reply.group(1)), reply.group(2)
    if index == 0:
        part = {"body": "new_text", "signatures": "signature", "content": "new+sig"}[attribute]
        if op == "equals" and attribute == "body":
            value = re.sub(r"\n\s*[-_=*]{3,}\s*$", "", value)  # the rule line is not text
        return check(part, value=value, exact=op == "equals")
    if op == "not_contains":
        return check("new_text")  # upstream: a header is not in a later reply's body
    checks = check("quoted", "contains")
    if op == "equals":
        checks += check("new_text", "not_contains")
    return checks


def load_checks() -> list[Check]:
    checks: list[Check] = []
    for set_name, (folder, _) in SETS.items():
        expected = json.loads((CORPORA / folder / "EXPECTED.json").read_text(encoding="utf-8"))
        for rec in expected["records"]:
            checks += _map(set_name, rec)
        checks += [
            Check(
                set_name,
                fixture,
                "new_text",
                "equals",
                _derived(set_name, fixture),
                True,
                "derived from upstream fragment flags",
            )
            for (s, fixture) in DERIVED
            if s == set_name
        ]
    return checks


def evaluate(check: Check, parts) -> bool:
    """Does our ReplyParts satisfy the mapped upstream expectation?"""
    texts = {
        "new_text": parts.new_text,
        "signature": parts.signature,
        "quoted": parts.quoted,
        "rest": parts.signature + "\n" + parts.quoted,
        "new+sig": parts.new_text + "\n" + parts.signature,
    }
    if check.part == "new_text~sig":  # crisp: signature not scored
        options = [parts.new_text, parts.new_text + "\n" + parts.signature]
    else:
        options = [texts[check.part]]
    for text in options:
        if check.op == "equals" and norm(text) == norm(check.value):
            return True
        if check.op == "contains" and norm(check.value) in norm(text):
            return True
        if check.op == "not_contains" and norm(check.value) not in norm(text):
            return True
        if check.op == "regex" and re.search(check.value, text, re.MULTILINE):
            return True
    return False
