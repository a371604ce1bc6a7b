"""The people of the demo and the role each one plays: the one list both demo
commands read, so `seed_demo` and `demo_logins` cannot disagree.

Every name here is invented for the demo. The list mixes languages, scripts
and naming customs on purpose, so pages get tried with accents, non-Latin
display names and long names from the first run.
"""

from __future__ import annotations

from dataclasses import dataclass

# Public on purpose: printed by demo_logins, for demo accounts only.
DEMO_PASSWORD = "studyhall-demo"
EMAIL_DOMAIN = "demo.studyhall.test"

# Site roles, in the order the login table lists them. "admin" is a site
# administrator (is_staff and is_superuser); the others name the role the
# person mainly plays in the demo's communities.
ADMIN = "admin"
OWNER = "owner"
INSTRUCTOR = "instructor"
MODERATOR = "moderator"
MENTOR = "mentor"
STUDENT = "student"
SITE_ROLES = (ADMIN, OWNER, INSTRUCTOR, MODERATOR, MENTOR, STUDENT)


@dataclass(frozen=True)
class Person:
    handle: str
    display_name: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.handle}@{EMAIL_DOMAIN}"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


# Within each role the order matters: a smaller demo (--people) takes the first
# people of each role, so the first of each always exists.
_STAFF: tuple[Person, ...] = (
    Person("rania.haddad", "Rania Haddad", ADMIN),
    Person("adaeze.okonkwo", "Prof. Adaeze Okonkwo", OWNER),
    Person("henrik.sorensen", "Dr Henrik Sørensen", OWNER),
    Person("mj.herrera", "Dr María José Herrera", INSTRUCTOR),
    Person("kenji.watanabe", "Dr Kenji Watanabe", INSTRUCTOR),
    Person("anjali.deshpande", "Dr Anjali Deshpande", INSTRUCTOR),
    Person("tomasz.wisniewski", "Dr Tomasz Wiśniewski", INSTRUCTOR),
    Person("layla.mansour", "Layla Mansour", MODERATOR),
    Person("bjorn.eriksson", "Björn Eriksson", MODERATOR),
    Person("thandiwe.dlamini", "Thandiwe Dlamini", MODERATOR),
    Person("rafa.oliveira", "Rafael Oliveira", MENTOR),
    Person("meiling.chen", "陈美玲 Mei-Ling Chen", MENTOR),
    Person("siobhan.nb", "Siobhán Ní Bhriain", MENTOR),
    Person("arjun.iyer", "Arjun Iyer", MENTOR),
    Person("elif.yildiz", "Elif Yıldız", MENTOR),
)

_STUDENTS: tuple[tuple[str, str], ...] = (
    ("amara.nwosu", "Amara Nwosu"),
    ("lucas.moreau", "Lucas Moreau"),
    ("sofia.castillo", "Sofía Castillo"),
    ("yusuf.demir", "Yusuf Demir"),
    ("hana.kobayashi", "Hana Kobayashi"),
    ("oliver.bennett", "Oliver Bennett"),
    ("priya.nair", "Priya Nair"),
    ("mateus.silva", "Mateus Silva"),
    ("zanele.khumalo", "Zanele Khumalo"),
    ("nikolai.petrov", "Николай Петров"),
    ("minjun.kim", "김민준"),
    ("eleni.papadaki", "Ελένη Παπαδάκη"),
    ("kwame.asante", "Kwame Asante"),
    ("ines.garcia", "Inés García"),
    ("tariq.rahman", "Tariq Rahman"),
    ("aroha.ngata", "Aroha Ngata"),
    ("lena.vogel", "Lena Vogel"),
    ("chidi.okafor", "Chidi Okafor"),
    ("fang.wang", "王芳"),
    ("matteo.rossi", "Matteo Rossi"),
    ("ayesha.siddiqui", "Ayesha Siddiqui"),
    ("joao.pereira", "João Pereira"),
    ("freya.lindqvist", "Freya Lindqvist"),
    ("dawit.bekele", "Dawit Bekele"),
    ("camille.dubois", "Camille Dubois"),
    ("rohan.mehta", "Rohan Mehta"),
    ("noor.alhashimi", "Noor Al-Hashimi"),
    ("jakub.novak", "Jakub Novák"),
    ("linh.nguyen", "Nguyễn Thùy Linh"),
    ("samuel.osei", "Samuel Osei"),
    ("valentina.cruz", "Valentina Cruz"),
    ("emre.aydin", "Emre Aydın"),
    ("aiko.tanaka", "Aiko Tanaka"),
    ("ngozi.eze", "Ngozi Eze"),
    ("pablo.ruiz", "Pablo Ruiz"),
    ("saoirse.walsh", "Saoirse Walsh"),
    ("dmitri.volkov", "Dmitri Volkov"),
    ("fatima.benali", "Fatima Zahra Benali"),
    ("liam.obrien", "Liam O'Brien"),
    ("keoni.kahale", "Keoni Kahale"),
    ("ana.popescu", "Ana Popescu"),
    ("yaw.boateng", "Yaw Boateng"),
    ("sunita.thapa", "Sunita Thapa"),
    ("marek.kowalczyk", "Marek Kowalczyk"),
    ("isabela.santos", "Isabela Santos"),
    ("hamid.karimi", "Hamid Karimi"),
    ("jiahui.tan", "Tan Jia Hui"),
    ("gabriel.lefebvre", "Gabriel Lefebvre"),
    ("mariam.tesfaye", "Mariam Tesfaye"),
    ("erik.johansson", "Erik Johansson"),
    ("leilani.fonoti", "Leilani Fonoti"),
    ("diego.morales", "Diego Morales"),
    ("zeynep.kaya", "Zeynep Kaya"),
    ("anil.kumar", "Anil Kumar"),
    ("chloe.martin", "Chloé Martin"),
)

EVERYONE: tuple[Person, ...] = _STAFF + tuple(
    Person(handle, name, STUDENT) for handle, name in _STUDENTS
)

DEFAULT_PEOPLE = 60
MIN_PEOPLE = 10
MAX_PEOPLE = len(EVERYONE)


def _staff_counts(people: int) -> dict[str, int]:
    """Return how many people play each staff role in a demo of this size."""
    if people >= 60:
        return {ADMIN: 1, OWNER: 2, INSTRUCTOR: 4, MODERATOR: 3, MENTOR: 5}
    if people >= 30:
        return {ADMIN: 1, OWNER: 2, INSTRUCTOR: 3, MODERATOR: 2, MENTOR: 3}
    # Three instructors at least: each course has its own.
    return {ADMIN: 1, OWNER: 1, INSTRUCTOR: 3, MODERATOR: 1, MENTOR: 2}


def cast(people: int = DEFAULT_PEOPLE) -> list[Person]:
    """Return the people of a demo of this size: staff first, then students.

    Raises ValueError outside MIN_PEOPLE..MAX_PEOPLE.
    """
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValueError(f"the demo has between {MIN_PEOPLE} and {MAX_PEOPLE} people")
    counts = _staff_counts(people)
    chosen: list[Person] = []
    for role in SITE_ROLES[:-1]:
        chosen.extend([p for p in _STAFF if p.role == role][: counts[role]])
    students = [p for p in EVERYONE if p.role == STUDENT]
    chosen.extend(students[: people - len(chosen)])
    return chosen


@dataclass(frozen=True)
class DemoLogin:
    label: str
    person: Person


def demo_logins() -> list[DemoLogin]:
    """Return one login per role, and two students, present in every demo size."""
    smallest = cast(MIN_PEOPLE)
    logins = [
        DemoLogin(role, next(p for p in smallest if p.role == role))
        for role in SITE_ROLES[:-1]
    ]
    students = [p for p in smallest if p.role == STUDENT]
    logins += [DemoLogin(STUDENT, person) for person in students[:2]]
    return logins
