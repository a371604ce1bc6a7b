"""Subject matter of the demo programme community "MSc Data Science"."""

from __future__ import annotations

from studyhall.core.demo.content import (
    Announcement,
    CodeProblem,
    Concept,
    Discussion,
    Faq,
    Link,
    Subject,
)

HANDBOOK = "https://example.org/msc-ds/handbook"
GIT = Link("the Git documentation", "https://git-scm.com/doc")

CONCEPTS = (
    Concept(
        name="version control with Git",
        explanation=(
            "Git records snapshots of a project so you can see what changed, "
            "when and why, and go back. Small commits with clear messages make "
            "that history useful, for you and for your supervisor."
        ),
        strengths="History, backups and collaboration",
        pitfalls="Committing data files and secrets",
        tuning="One repository per project, a `.gitignore` from day one",
        link=GIT,
    ),
    Concept(
        name="SQL window functions",
        explanation=(
            "Window functions compute a value for each row from a set of "
            "related rows, such as a running total or a rank within a group, "
            "without collapsing the rows the way `GROUP BY` does."
        ),
        strengths="Rankings, running totals, lags",
        pitfalls="Forgetting `PARTITION BY` ranks the whole table",
        tuning="Add an index on the partition and order columns",
        link=Link(
            "PostgreSQL's window function tutorial",
            "https://www.postgresql.org/docs/current/tutorial-window.html",
        ),
    ),
    Concept(
        name="virtual environments",
        explanation=(
            "A virtual environment gives a project its own Python and packages, "
            "so upgrading a library for one project doesn't break another. A "
            "lock file records the exact versions."
        ),
        strengths="Isolated, reproducible setups",
        pitfalls="Installing into the system Python by accident",
        tuning="One environment per project",
        link=Link(
            "the venv documentation", "https://docs.python.org/3/library/venv.html"
        ),
    ),
    Concept(
        name="the literature review",
        explanation=(
            "A literature review is an argument, not a list: it groups earlier "
            "work by the questions it answers and shows the gap your project "
            "fills. Start wide, then narrow to the studies closest to yours."
        ),
        strengths="Positions the project",
        pitfalls="Summarising papers one by one",
        tuning="A table of papers by method and finding helps",
        link=Link("the dissertation handbook", f"{HANDBOOK}#literature-review"),
    ),
    Concept(
        name="standard errors",
        explanation=(
            "A standard error is the standard deviation of an estimate across "
            "repeated samples. For a mean it shrinks with the square root of "
            "the sample size, which is why quadrupling the data only halves it."
        ),
        formula=r"\operatorname{SE}(\bar{x}) = \frac{\sigma}{\sqrt{n}}",
        symbol="n",
        symbol_role="the sample size",
        strengths="Quantifies the precision of an estimate",
        pitfalls="Assumes independent observations",
        tuning="Use clustered errors for grouped data",
        link=Link("the statistics refresher", f"{HANDBOOK}#refresher"),
    ),
    Concept(
        name="writing in LaTeX",
        explanation=(
            "LaTeX separates content from layout and handles equations, "
            "cross-references and bibliographies well, which is why many "
            "dissertations use it. Overleaf is the easiest way to start."
        ),
        strengths="Beautiful maths and references",
        pitfalls="Fighting figure placement at 2 a.m.",
        tuning="Start from the department template",
        link=Link("the thesis template", f"{HANDBOOK}#template"),
    ),
    Concept(
        name="the cluster job queue",
        explanation=(
            "The department cluster runs jobs through Slurm: you describe the "
            "resources you need in a script, submit it, and it runs when they "
            "are free. Interactive work belongs on a compute node, not on the "
            "login node."
        ),
        strengths="GPUs and memory you don't have at home",
        pitfalls="Running heavy jobs on the login node",
        tuning="Ask for what you need, not the maximum",
        link=Link("the cluster guide", "https://example.org/msc-ds/cluster-guide"),
    ),
    Concept(
        name="technical interviews",
        explanation=(
            "Data science interviews usually mix a take-home or live coding "
            "task, a statistics discussion and a conversation about past "
            "projects. Explaining your reasoning counts as much as the answer."
        ),
        strengths="A chance to show how you think",
        pitfalls="Jumping to code before clarifying the question",
        tuning="Practise explaining a project in two minutes",
        link=Link("the careers service", "https://example.org/careers"),
    ),
)

PROBLEMS = (
    CodeProblem(
        short="Accidentally committed a 2 GB dataset to Git",
        language="shell",
        code=('git add .\ngit commit -m "add analysis"\ngit push\n'),
        output=(
            "remote: error: File data/raw/trips.csv is 2048.00 MB; "
            "this exceeds the file size limit\n"
        ),
        symptom="Now every push fails. How do I get the file out of history?",
        cause=(
            "The file is in the last commit, so removing it from the folder "
            "isn't enough. If you haven't pushed anything since, take it out "
            "of that commit and ignore the folder from now on:"
        ),
        fix=(
            "git rm --cached data/raw/trips.csv\n"
            "echo 'data/raw/' >> .gitignore\n"
            "git add .gitignore\n"
            "git commit --amend --no-edit\n"
            "git push\n"
        ),
        tip="Keep raw data out of the repository and note in the README where it lives.",
        link=GIT,
    ),
    CodeProblem(
        short="Packages installed with pip are not found",
        language="shell",
        code=("pip install pandas\npython -c 'import pandas'\n"),
        output="ModuleNotFoundError: No module named 'pandas'\n",
        symptom="pip said it installed successfully.",
        cause=(
            "`pip` and `python` belong to different installations. Create an "
            "environment for the project and always call pip through the "
            "Python you run:"
        ),
        fix=(
            "python3 -m venv .venv\n"
            "source .venv/bin/activate\n"
            "python -m pip install pandas\n"
            "python -c 'import pandas; print(pandas.__version__)'\n"
        ),
        tip="`which python` and `python -m pip --version` show which one you have.",
        link=Link(
            "the venv documentation", "https://docs.python.org/3/library/venv.html"
        ),
    ),
    CodeProblem(
        short="Ranking each student's best submission in SQL",
        language="sql",
        code=(
            "SELECT student_id, max(score), submitted_at\n"
            "FROM submissions\n"
            "GROUP BY student_id;\n"
        ),
        output='ERROR:  column "submissions.submitted_at" must appear in the GROUP BY clause\n',
        symptom="I want the whole row of each student's best submission, for the mock interview task.",
        cause=(
            "`GROUP BY` collapses the rows, so the database can't know which "
            "`submitted_at` you mean. Rank the rows within each student and "
            "keep the first:"
        ),
        fix=(
            "SELECT student_id, score, submitted_at\n"
            "FROM (\n"
            "    SELECT *,\n"
            "           row_number() OVER (PARTITION BY student_id\n"
            "                              ORDER BY score DESC, submitted_at) AS rn\n"
            "    FROM submissions\n"
            ") AS ranked\n"
            "WHERE rn = 1;\n"
        ),
        tip="Say how you break ties: interviewers like that.",
        link=Link(
            "PostgreSQL's window function tutorial",
            "https://www.postgresql.org/docs/current/tutorial-window.html",
        ),
    ),
)

FAQS = (
    Faq(
        title="When do we get dissertation supervisors?",
        question=(
            "The handbook mentions a matching process in November. Is there "
            "anything we should do before then?"
        ),
        answer=(
            "Submit your **three ranked topic preferences** through the form "
            "in the handbook by the end of week 8. Matching is announced in "
            "week 10. Talking to potential supervisors beforehand is welcome."
        ),
        category="dissertation",
    ),
    Faq(
        title="Can I do my dissertation with a company?",
        question=(
            "A company I interned with has a dataset and a question. Can that "
            "be my dissertation?"
        ),
        answer=(
            "Yes, many students do. You still need an academic supervisor, a "
            "data agreement signed before you start and a research question "
            "that is more than a business report. Email the programme office "
            "for the agreement template."
        ),
        category="dissertation",
    ),
    Faq(
        title="Is there a careers fair for data roles?",
        question="Are there any events with employers this term?",
        answer=(
            "The faculty careers fair is in week 7, and the alumni panel on "
            "data careers is the week after. Both are in the events calendar; "
            "bring a one-page CV."
        ),
        category="careers",
    ),
    Faq(
        title="How do I get an account on the cluster?",
        question="Labs in two modules mention the cluster. How do I get access?",
        answer=(
            "Request an account with the form in the cluster guide; it takes "
            "a day or two. Then log in with `ssh` using your university "
            "username, and read the section on the job queue first."
        ),
        category="tools",
    ),
    Faq(
        title="Part-time study and the timetable",
        question=(
            "I'm part-time and work Wednesdays. Which modules can I take this "
            "year without clashes?"
        ),
        answer=(
            "Statistical Learning and Machine Learning Systems don't meet on "
            "Wednesdays; Research Methods does, so take it next year. Book a "
            "meeting with the programme director to confirm your plan."
        ),
        category="cohort-life",
    ),
)

ANNOUNCEMENTS = (
    Announcement(
        title_template="Welcome to the MSc Data Science cohort",
        body_template=(
            "Welcome to the programme! This private space is for the whole "
            "cohort, across modules.\n"
            "\n"
            "- **Announcements** from the programme office appear here first.\n"
            "- Questions about one module go to that module's community.\n"
            "- You may post anonymously to classmates; staff can still see who "
            "wrote a post.\n"
            "\n"
            "The [programme handbook](https://example.org/msc-ds/handbook) has "
            "the dates for the year."
        ),
        is_pinned=True,
    ),
    Announcement(
        title_template="Dissertation topic preferences due {date}",
        body_template=(
            "Please submit three ranked topic preferences by **{date}**. The "
            "list of proposed topics and supervisors is in the handbook; you "
            "may also propose your own topic."
        ),
        category="dissertation",
        is_pinned=True,
    ),
    Announcement(
        title_template="Alumni panel on data careers, {date}",
        body_template=(
            "Four alumni talk about their first two years in industry and "
            "research, followed by questions. {date}, 17:30, Lecture Theatre 1, "
            "with pizza afterwards."
        ),
        category="careers",
    ),
    Announcement(
        title_template="Reading week: the building is open",
        body_template=(
            "During reading week the study rooms stay open from 08:00 to 22:00 "
            "and the cluster's teaching queue is less busy than usual: a good "
            "time for long jobs."
        ),
    ),
)

SUBJECT = Subject(
    session="Workshop",
    task="Dissertation",
    concepts=CONCEPTS,
    problems=PROBLEMS,
    faqs=FAQS,
    announcements=ANNOUNCEMENTS,
    concept_titles=(
        "Tips for {concept}?",
        "Any advice on {concept}?",
        "Best resources for {concept}",
        "Workshop on {concept}: anyone have the slides?",
        "I'm behind on {concept}: where do I start?",
        "{Concept} for people coming from a non-CS background",
    ),
    compare_titles=("{Concept} vs {other}: which first?",),
    problem_titles=("{Short}", "Help: {short}", "{Short} (panicking a little)"),
    discussions=(
        Discussion(
            "Introduce yourself!",
            "Hello, cohort! Let's get to know each other: what did you do "
            "before the MSc, and what are you most looking forward to?",
            "intro",
            "cohort-life",
        ),
        Discussion(
            "What are you planning for the dissertation?",
            "Topic preferences are due soon. What are you thinking of? Maybe "
            "we can find people with related ideas.",
            "share",
            "dissertation",
        ),
        Discussion(
            "Internship applications: share your timeline",
            "Applications for summer placements seem to open earlier every "
            "year. When are you applying, and where are you looking?",
            "advice",
            "careers",
        ),
        Discussion(
            "Book and podcast recommendations",
            "Something for the commute that isn't a lecture recording. Data, "
            "statistics, science, anything vaguely related.",
            "share",
            "cohort-life",
        ),
        Discussion(
            "Cohort social after the week {week} deadline?",
            "We've all earned a break. Anyone up for food or a board game "
            "evening after the deadline? Reply with what works for you.",
            "meetup",
            "cohort-life",
        ),
        Discussion(
            "How do you balance part-time work and the MSc?",
            "I work three days a week and I'm struggling to keep up with the "
            "reading. How are others managing?",
            "advice",
            "cohort-life",
        ),
        Discussion(
            "Favourite tools for {concept}",
            "What do you use for {concept}? Editors, extensions, cheat sheets, "
            "anything that saves time.",
            "share",
            "tools",
        ),
    ),
    tips=(
        "Book a short meeting with the programme office early rather than late.",
        "Keep everything for the dissertation in one Git repository from day one.",
        "Ask the alumni mentors: they were in your place a year ago.",
        "Block two fixed afternoons a week for the dissertation.",
    ),
    concept_categories=("tools", "tools", "dissertation", "careers"),
    problem_categories=("tools",),
    discussion_categories=("cohort-life", "cohort-life", "careers", "dissertation"),
    plain_confusions=(
        "Where do I even start with {concept}?",
        "How much time should I budget for {concept} this term?",
        "Is there a workshop on {concept} this term, or should I teach myself?",
        "What do supervisors and employers actually expect from us on {concept}?",
    ),
)
