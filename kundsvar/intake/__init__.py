"""One way in for every channel: a customer's message becomes a case message."""
