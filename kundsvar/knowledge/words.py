"""Which words of a customer's question carry its meaning (rules C6, K2).

A question typed into the contact form is chatty: "Hej! Jag beställde en jacka förra
veckan men den har inte kommit, hur lång är leveranstiden?". Suggestions search for
any of its meaningful words, so the function words (Snowball's stop-word lists for
Swedish, Norwegian, Danish and English) and the greetings and politeness of customer
service mail are dropped first, and numbers (order and tracking numbers) too: an
article never contains the customer's order number.
"""

from kundsvar.search import text

_SV = """
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom mellan
sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era
vilkas ska skall får fick bara också även redan fortfarande igen nog väl kanske lite
hej hejsan hallå tja tack tacksam tacksamt hälsningar hälsning vänlig vänliga mvh snälla
undrar undra fråga frågor ok okej jo nej ja typ går gå gör göra gjort gjorde vill ville
"""
_NB = """
og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men
ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans
hvor eller hva skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom noen
noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget
hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni
mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært begge siden
dei eg ein eit ho kva kvar kven korleis me mi mine mykje no noko nokon så um upp vere
hei hallo takk tusen hilsen hilsener vennlig vennlige mvh lurer spørsmål ok greit får fikk
"""
_DA = """
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om
vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv
her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end
dette mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis din
nogle hos blive mange ad bliver hendes været thi jer sådan kan får fik bare stadig igen
hej hejsa tak tusind hilsen hilsner venlig venlige mvh spørgsmål undrer ok okay nej ja
"""
_EN = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what which
who whom this that these those am is are was were be been being have has had having do
does did doing would should could ought a an the and but if or because as until while of
at by for with about against between into through during before after above below to
from up down in out on off over under again further then once here there when where why
how all any both each few more most other some such no nor not only own same so than too
very can will just don t s can't cannot won't isn't aren't wasn't doesn't didn't haven't
hasn't i'm i've get got also still yet hi hello hey dear thanks thank regards kind best
please wondering wonder question questions ok okay yes
"""

STOP_WORDS = {
    "sv": frozenset(_SV.split()),
    "nb": frozenset(_NB.split()),
    "da": frozenset(_DA.split()),
    "en": frozenset(_EN.split()),
}
MIN_LETTERS = 2
MAX_TERMS = 24  # a pasted essay: the first two dozen meaningful words say what it is about


def is_stop_word(word: str, language: str) -> bool:
    return word in STOP_WORDS.get(text.language_code(language), frozenset())


def meaningful_words(query: str, language: str) -> list[str]:
    """The words of `query` that say what it is about, case-folded, in order, no repeats."""
    stop_words = STOP_WORDS.get(text.language_code(language), frozenset())
    found: list[str] = []
    for word in text.words(query):
        if (
            len(word) < MIN_LETTERS
            or word in stop_words
            or word in found
            or (not word.isalpha() and any(c.isdigit() for c in word))  # costliest last
        ):
            continue
        found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


def meaningful_stems(query: str, language: str) -> list[str]:
    """The Snowball stems of the meaningful words, in order, without repeats."""
    stems: list[str] = []
    for word in meaningful_words(query, language):
        stem = text.stem(word, language)
        if stem and stem not in stems:
            stems.append(stem)
    return stems
