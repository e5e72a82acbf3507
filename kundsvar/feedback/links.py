"""The signed rating link's salt: the email channel signs the link, the feedback views
read it, and neither needs the other for that."""

RATING_SALT = "kundsvar.rating"
