"""Seed the carrier registry (rule O4).

A frozen copy of ``kundsvar.commerce.carriers.REGISTRY`` as it stood when this migration
was written: a migration must not import code that changes later. It only creates codes
that are missing, so re-running it never overwrites what a shop admin has edited. A later
change to the registry that should reach existing databases needs a new data migration.
"""

from django.db import migrations

CARRIERS = [
    {
        "code": "postnord",
        "name": "PostNord",
        "tracking_url": "https://www.postnord.se/track-and-trace/{number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE", "DK", "NO", "FI"],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "PostNordShippingProvider.php @2949f9ba. No consumer phone number found "
            "(postnord.se/kundservice names phone and email, no number)."
        ),
    },
    {
        "code": "bring",
        "name": "Bring",
        "tracking_url": "https://www.posten.no/sporing/{number}",
        "phone": "04045",
        "phone_hours": "mån–fre 08–17, lör 09–14",
        "countries": ["NO"],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "PostenNorgeBringShippingProvider.php @1674d4da. Phone: bring.no/kundeservice; "
            "hours from an old snapshot of bring.no/Kundeservice."
        ),
    },
    {
        "code": "dhl_express",
        "name": "DHL Express",
        "tracking_url": "https://www.dhl.com/en/express/tracking.html?AWB={number}",
        "phone": "",
        "phone_hours": "",
        "countries": [],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "DHLShippingProvider.php @1cf83fd3; formats: jkeen/tracking_number_data couriers/"
            "dhl.json (MIT)."
        ),
    },
    {
        "code": "dhl_freight",
        "name": "DHL Freight",
        "tracking_url": (
            "https://www.dhl.com/se-sv/home/tracking/tracking-freight.html?tracking-id={number}"
        ),
        "phone": "0771-345 345",
        "phone_hours": "vardagar 08.00–17.00",
        "countries": ["SE"],
        "verified": False,
        "source": (
            "Phone: dhl.com/se-en/home/freight/help-center-for-european-road-and-rail/"
            "faq-for-international-road-freight.html. Tracking URL not sourced: check it."
        ),
    },
    {
        "code": "dhl_ecommerce",
        "name": "DHL eCommerce",
        "tracking_url": "https://webtrack.dhlglobalmail.com/?trackingnumber={number}",
        "phone": "",
        "phone_hours": "",
        "countries": [],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "DHLShippingProvider.php @1cf83fd3 (GM/LX/RX prefixes); formats: jkeen/"
            "tracking_number_data couriers/dhl.json (MIT)."
        ),
    },
    {
        "code": "ups",
        "name": "UPS",
        "tracking_url": "https://www.ups.com/track?tracknum={number}",
        "phone": "",
        "phone_hours": "",
        "countries": [],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "UPSShippingProvider.php @04ca6916; formats: jkeen/tracking_number_data couriers/"
            "ups.json (MIT). No phone found (ups.com/se/sv/support/tracking-support)."
        ),
    },
    {
        "code": "gls",
        "name": "GLS",
        "tracking_url": "https://gls-group.eu/EU/en/parcel-tracking/{number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["DK", "SE", "NO", "FI"],
        "verified": True,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "GLSShippingProvider.php @8d58a421. No phone found."
        ),
    },
    {
        "code": "schenker",
        "name": "DB Schenker (DSV)",
        "tracking_url": "https://www.dbschenker.com/app/tracking-public/?refNumber={number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE", "DK", "NO", "FI"],
        "verified": False,
        "source": (
            "Tracking URL seen only in unrelated third-party code: check it. Complaints: "
            "dbschenker.com/se-sv/produkter/praktisk-information/så-reklamerar-du."
        ),
    },
    {
        "code": "budbee",
        "name": "Budbee",
        "tracking_url": "https://tracking.budbee.com/{number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE", "DK", "NO", "FI"],
        "verified": False,
        "source": (
            "Tracking URL seen only in unrelated third-party code: check it. No phone "
            "(budbee.com/privacy-policy: Budbee AB, Stockholm)."
        ),
    },
    {
        "code": "instabox",
        "name": "Instabox",
        "tracking_url": "https://instabox.se/sv/spara?token={number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE", "DK", "NO"],
        "verified": False,
        "source": (
            "Tracking URL seen only in unrelated third-party code: check it. Help centre with "
            "chat, email, phone: instabox.io/no-NO/help."
        ),
    },
    {
        "code": "airmee",
        "name": "Airmee",
        "tracking_url": "",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE"],
        "verified": False,
        "source": "No source found for a tracking URL or phone: fill in.",
    },
    {
        "code": "earlybird",
        "name": "Early Bird",
        "tracking_url": "",
        "phone": "",
        "phone_hours": "",
        "countries": ["SE"],
        "verified": False,
        "source": (
            "Early Bird texts the customer a tracking link (dinsko.se/kundservice/"
            "kopinformation/leverans); no public URL template or phone found: fill in."
        ),
    },
    {
        "code": "posti",
        "name": "Posti",
        "tracking_url": "https://www.smartposti.fi/track/{number}",
        "phone": "",
        "phone_hours": "",
        "countries": ["FI"],
        "verified": False,
        "source": (
            "URL: WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
            "ItellaShippingProvider.php @8d58a421 ('Smartposti (Itella)'); that it tracks "
            "Posti's Finnish items is not confirmed."
        ),
    },
    {
        "code": "upu",
        "name": "Post (UPU)",
        "tracking_url": "https://www.postnord.se/track-and-trace/{number}",
        "phone": "",
        "phone_hours": "",
        "countries": [],
        "verified": False,
        "source": (
            "International postal items (S10 format, jkeen/tracking_number_data couriers/"
            "s10.json, MIT) from a country without its own entry. Assumed: PostNord tracks "
            "items arriving in Sweden; change to your country's post."
        ),
    },
]


def seed_carriers(apps, schema_editor):
    """Create every carrier code that is not there yet; leave existing rows alone."""
    Carrier = apps.get_model("commerce", "Carrier")
    existing = set(Carrier.objects.values_list("code", flat=True))
    Carrier.objects.bulk_create(
        [Carrier(**row) for row in CARRIERS if row["code"] not in existing],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("commerce", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_carriers, migrations.RunPython.noop),
    ]
