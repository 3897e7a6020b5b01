"""Who the demo company's successes are thanks to: customer kudos for a colleague or a team.

A success thanks whoever its first tag names (tags in the order the story was given them), so
the shout-out fits what the customer praised; the names are the demo people's own (see
`people.PEOPLE`).
"""

SHOUT_OUTS = {
    "support": "Maria Santos and the Support team",
    "refunds": "Omar Haddad in Support",
    "returns": "Omar Haddad in Support",
    "mobile-app": "Kenji Watanabe and Nina Petrova in Engineering",
    "accessibility": "Nina Petrova in Engineering",
    "packaging": "Sofia Rossi and Marketing",
    "onboarding": "Elena Garcia in Product",
    "sim-card": "Elena Garcia in Product",
    "tariff": "Tom Okafor in Sales",
    "pricing": "Tom Okafor in Sales",
    "broadband": "The field engineers",
    "notifications": "Priya Nair and Product",
    "delivery": "Joe Bright and the delivery partners",
    "cancellation": "Alice Moreau in Support",
    "loyalty": "Daniel Cohen and Sales",
    "website": "Sam Taylor in Engineering",
}

# Enough for Customer kudos to show a few on a fresh `make run`, not so many that they are noise.
KUDOS = 6
