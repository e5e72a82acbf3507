"""The demo's chats: one from this morning, answered and ended (a closed case on the chat
channel, in the customer's history beside their mail), and one waiting right now, so an
agent who opens the chat inbox has somebody to talk to."""

from datetime import timedelta

from kundsvar.channels.chat import services as chat


def add_demo_chats(shop, agent, customers, now) -> None:
    karin = customers[0]
    earlier = now - timedelta(hours=3)
    done = chat.start(
        shop,
        chat.Line("Hej! Kan jag byta storlek på jackan jag fick i går?"),
        name=karin.name,
        email=karin.primary_email,
        language="sv",
        now=earlier,
    )
    chat.answer(
        done,
        agent,
        "Hej Karin! Absolut, du har 30 dagars öppet köp. Du gör bytet på returportalen.",
        now=earlier + timedelta(minutes=1),
    )
    chat.say(done, chat.Line("Toppen, tack!"), now=earlier + timedelta(minutes=2))
    chat.answer(done, agent, "Varsågod, ha en fin dag!", now=earlier + timedelta(minutes=3))
    chat.end(done, by="agent", actor=agent, now=earlier + timedelta(minutes=4))
    other = customers[1]
    chat.start(
        shop,
        chat.Line("Hej, när kommer min beställning? Jag behöver den till helgen."),
        name=other.name,
        email=other.primary_email,
        language=other.language or "sv",
        now=now - timedelta(minutes=1),
    )
