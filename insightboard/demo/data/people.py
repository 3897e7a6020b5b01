"""Who works at the demo company: a name, a team, roles, and how often they hear customers."""

from dataclasses import dataclass

from insightboard.people.roles import Role

DEMO_PASSWORD = "insightboard-demo"  # noqa: S105 - printed for everyone on purpose
DEMO_DOMAIN = "demo.insightboard.example"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    team: str
    roles: tuple[Role, ...] = ()
    # How often they log insights compared with others: support and sales hear customers most.
    weight: int = 1

    @property
    def email(self) -> str:
        return f"{self.name.split()[0].lower()}@{DEMO_DOMAIN}"

    @property
    def role_label(self) -> str:
        names = {Role.ADMINS: "Admin", Role.HOSTS: "Host", Role.LEADERS: "Leader"}
        return ", ".join(names[role] for role in self.roles) or "Staff"


# The first four match the test personas: ada administers, hugo hosts, lena leads, alice is staff.
PEOPLE = (
    DemoPerson("Ada Mensah", "Operations", (Role.ADMINS,)),
    DemoPerson("Hugo Brandt", "Support", (Role.HOSTS,), weight=4),
    DemoPerson("Lena Varga", "Leadership", (Role.LEADERS,)),
    DemoPerson("Alice Moreau", "Support", weight=4),
    DemoPerson("Maria Santos", "Support", weight=4),
    DemoPerson("Omar Haddad", "Support", weight=3),
    DemoPerson("Tom Okafor", "Sales", (Role.HOSTS,), weight=3),
    DemoPerson("Daniel Cohen", "Sales", (Role.LEADERS,), weight=2),
    DemoPerson("Priya Nair", "Product", (Role.HOSTS,), weight=2),
    DemoPerson("Elena Garcia", "Product", weight=2),
    DemoPerson("Kenji Watanabe", "Engineering"),
    DemoPerson("Nina Petrova", "Engineering"),
    DemoPerson("Sofia Rossi", "Marketing", weight=2),
    DemoPerson("Joe Bright", "Marketing", (Role.HOSTS,)),
    DemoPerson("Grace Kim", "Leadership", (Role.LEADERS, Role.HOSTS)),
    DemoPerson("Sam Taylor", "Engineering", (Role.ADMINS,)),
)

# Names for the many more people `seed_demo --people N` adds, to try the digest at company size.
EXTRA_FIRST_NAMES = (
    "Abby", "Bilal", "Chen", "Dara", "Emeka", "Freya", "Gus", "Hana", "Ivo", "Jade", "Kai",
    "Lola", "Milo", "Nia", "Otto", "Pia", "Quinn", "Rafi", "Suki", "Tariq", "Uma", "Vic",
    "Wren", "Xavi", "Yara", "Zane",
)  # fmt: skip
EXTRA_LAST_NAMES = (
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Gupta", "Horvat", "Ito",
    "Jansen", "Kowalski", "Lindqvist", "Moreno", "Novak", "Okoro", "Petrov",
)  # fmt: skip
EXTRA_TEAMS = ("Support", "Sales", "Product", "Engineering", "Marketing", "Operations", "Finance")
