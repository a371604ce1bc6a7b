"""Subject matter of the demo course "Research Methods"."""

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

NOTES = "https://example.org/msc-ds/research-methods"
CRAN = "https://cran.r-project.org/package="

CONCEPTS = (
    Concept(
        name="statistical power",
        explanation=(
            "Power is the probability that a study detects an effect of a "
            "given size if it is really there. It rises with the sample size "
            "and the effect size and falls as the significance level gets "
            "stricter; 80% is a common target."
        ),
        formula=(
            r"n = \frac{2\,(z_{1-\alpha/2} + z_{1-\beta})^2}{d^2} "
            r"\quad \text{per group}"
        ),
        symbol="d",
        symbol_role="the standardised effect size",
        strengths="Tells you the sample size before you start",
        pitfalls="Effect sizes from small pilots are too optimistic",
        tuning="Base $d$ on the smallest effect that matters",
        link=Link("the pwr package", f"{CRAN}pwr"),
    ),
    Concept(
        name="p-values",
        explanation=(
            "A p-value is the probability, assuming the null hypothesis and the "
            "model are true, of data at least as extreme as what was observed. "
            "It is not the probability that the null hypothesis is true."
        ),
        formula=r"p = P\left(|T| \ge |t_{\text{obs}}| \mid H_0\right)",
        symbol="p",
        symbol_role="the p-value",
        strengths="A common, compact summary",
        pitfalls="Says nothing about the size of an effect",
        tuning="Report effect sizes and intervals alongside",
        link=Link("the week 2 seminar notes", f"{NOTES}/week-2"),
    ),
    Concept(
        name="confidence intervals",
        explanation=(
            "A 95% confidence interval comes from a procedure that captures the "
            "true value in 95% of repeated samples. Any single interval either "
            "contains it or not; the 95% describes the method."
        ),
        formula=r"\bar{x} \pm t_{n-1,\,0.975} \, \frac{s}{\sqrt{n}}",
        symbol="s",
        symbol_role="the sample standard deviation",
        strengths="Shows size and uncertainty together",
        pitfalls="Easily misread as a probability statement",
        tuning="Wider intervals for smaller samples",
        link=Link("the week 2 seminar notes", f"{NOTES}/week-2"),
    ),
    Concept(
        name="Cohen's kappa",
        explanation=(
            "Kappa measures agreement between two raters beyond what chance "
            "alone would produce. A kappa of 0 means chance-level agreement "
            "and 1 perfect agreement."
        ),
        formula=r"\kappa = \frac{p_o - p_e}{1 - p_e}",
        symbol="p_e",
        symbol_role="the agreement expected by chance",
        strengths="Corrects raw agreement for chance",
        pitfalls="Depends on how common each category is",
        tuning="Weighted kappa for ordered categories",
        link=Link("the irr package", f"{CRAN}irr"),
    ),
    Concept(
        name="confounding",
        explanation=(
            "A confounder affects both the exposure and the outcome, creating "
            "an association between them that is not causal. Randomisation "
            "removes confounding by design; observational studies must "
            "measure and adjust for it."
        ),
        strengths="Explains spurious associations",
        pitfalls="Unmeasured confounders can't be adjusted for",
        tuning="Draw the causal diagram before choosing covariates",
        link=Link("the week 4 seminar notes", f"{NOTES}/week-4"),
    ),
    Concept(
        name="difference-in-differences",
        explanation=(
            "Difference-in-differences compares the change over time in a "
            "treated group with the change in a comparison group. It relies on "
            "parallel trends: without treatment, both would have moved alike."
        ),
        formula=(
            r"\hat{\tau} = (\bar{y}_{T,\text{after}} - \bar{y}_{T,\text{before}})"
            r" - (\bar{y}_{C,\text{after}} - \bar{y}_{C,\text{before}})"
        ),
        symbol=r"\hat{\tau}",
        symbol_role="the estimated effect",
        strengths="Uses observational panel data",
        pitfalls="Parallel trends can fail silently",
        tuning="Plot pre-treatment trends first",
        link=Link("the week 5 seminar notes", f"{NOTES}/week-5"),
    ),
    Concept(
        name="mixed-effects models",
        explanation=(
            "Mixed-effects models add random effects for groups such as "
            "schools or participants, so repeated measurements of the same "
            "unit are not treated as independent."
        ),
        formula=r"y_{ij} = \beta_0 + \beta_1 x_{ij} + u_j + \varepsilon_{ij}",
        symbol="u_j",
        symbol_role="the random intercept of group $j$",
        strengths="Honest standard errors for clustered data",
        pitfalls="Convergence warnings with complex random structures",
        tuning="Start with random intercepts only",
        link=Link("the lme4 package", f"{CRAN}lme4"),
    ),
    Concept(
        name="effect sizes",
        explanation=(
            "An effect size says how large a difference or association is, "
            "independently of the sample size. Cohen's $d$ divides the mean "
            "difference by the pooled standard deviation."
        ),
        formula=r"d = \frac{\bar{x}_1 - \bar{x}_2}{s_{\text{pooled}}}",
        symbol="d",
        symbol_role="Cohen's d",
        strengths="Comparable across studies",
        pitfalls="'Small, medium, large' labels ignore context",
        tuning="Interpret against your field's typical effects",
        link=Link("the effectsize package", f"{CRAN}effectsize"),
    ),
    Concept(
        name="multiple comparisons",
        explanation=(
            "Running many tests at the 5% level makes at least one false "
            "positive likely. Corrections such as Bonferroni or Holm control "
            "the family-wise error rate; Benjamini–Hochberg controls the false "
            "discovery rate."
        ),
        formula=r"\alpha_{\text{per test}} = \frac{\alpha}{m}",
        symbol="m",
        symbol_role="the number of tests",
        strengths="Keeps false positives in check",
        pitfalls="Bonferroni is very conservative for many tests",
        tuning="Holm is never worse than Bonferroni",
        link=Link("the week 3 seminar notes", f"{NOTES}/week-3"),
    ),
    Concept(
        name="pre-registration",
        explanation=(
            "Pre-registration records the hypotheses, design and analysis plan "
            "before the data are collected or seen. It separates confirmatory "
            "from exploratory analyses; it does not forbid exploration."
        ),
        strengths="Protects against analysis choices that chase significance",
        pitfalls="Vague plans protect nothing",
        tuning="Write the analysis code before the data arrive",
        link=Link("the OSF registries", "https://osf.io/registries"),
    ),
    Concept(
        name="stratified sampling",
        explanation=(
            "Stratified sampling splits the population into groups and samples "
            "from each one, guaranteeing small groups are represented. "
            "Estimates are then weighted by each stratum's share of the "
            "population."
        ),
        formula=r"\bar{y}_{\text{st}} = \sum_{h=1}^{H} W_h \, \bar{y}_h",
        symbol="W_h",
        symbol_role="the population share of stratum $h$",
        strengths="More precise estimates for the same cost",
        pitfalls="Forgetting the weights biases the estimate",
        tuning="Allocate more to variable strata",
        link=Link("the survey package", f"{CRAN}survey"),
    ),
    Concept(
        name="informed consent",
        explanation=(
            "Participants must understand what taking part involves, what "
            "happens to their data and that they may withdraw, before they "
            "agree. Consent is recorded, and the information sheet is part of "
            "the ethics application."
        ),
        strengths="Respects participants; required for approval",
        pitfalls="Jargon-heavy information sheets",
        tuning="Test the sheet on someone outside the field",
        link=Link("the ethics guidance", f"{NOTES}/ethics"),
    ),
)

PROBLEMS = (
    CodeProblem(
        short="Singular fit warning from lmer",
        language="r",
        code=(
            "library(lme4)\n"
            "fit <- lmer(score ~ condition + (1 + condition | school), data = pupils)\n"
        ),
        output="boundary (singular) fit: see help('isSingular')\n",
        symptom="Can I still report the fixed effects?",
        cause=(
            "The model is asking for more random-effect structure than the "
            "data can support, so a variance is estimated as zero or a "
            "correlation as ±1. Simplify: drop the correlation or the random "
            "slope, and compare the fits:"
        ),
        fix=(
            "fit2 <- lmer(score ~ condition + (1 | school), data = pupils)\n"
            "anova(fit2, fit)\n"
            "summary(fit2)\n"
        ),
        tip="Say in the report which structure you started from and why you simplified.",
        link=Link("the lme4 package", f"{CRAN}lme4"),
    ),
    CodeProblem(
        short="Suspiciously small sample size from power.t.test",
        language="r",
        code="power.t.test(delta = 5, sd = 2, sig.level = 0.05, power = 0.8)\n",
        output="     Two-sample t test power calculation\n\n              n = 3.9\n",
        symptom="Four participants per group feels far too few. What did I do wrong?",
        cause=(
            "A difference of 5 with a standard deviation of 2 is an effect size "
            "of 2.5, which is enormous. Check where the SD came from; if it is "
            "from a small pilot, it is probably too small. With a realistic SD:"
        ),
        fix="power.t.test(delta = 5, sd = 12, sig.level = 0.05, power = 0.8)\n",
        tip="Justify the effect size in the proposal, not only the sample size.",
        link=Link("the pwr package", f"{CRAN}pwr"),
    ),
    CodeProblem(
        short="Likert responses count as numbers after import",
        language="python",
        code=('survey = pd.read_csv("responses.csv")\nsurvey["q4"].mean()\n'),
        output="3.41\n",
        symptom=(
            "`q4` is 'Strongly disagree' to 'Strongly agree'. Is a mean even "
            "meaningful here?"
        ),
        cause=(
            "Pandas just sees the codes 1–5. For a single Likert item, treat it "
            "as ordered categories and report the distribution or the median; "
            "means are more defensible for scales built from several items:"
        ),
        fix=(
            'levels = ["Strongly disagree", "Disagree", "Neutral",\n'
            '          "Agree", "Strongly agree"]\n'
            'survey["q4"] = pd.Categorical(\n'
            '    survey["q4"].map(dict(enumerate(levels, start=1))),\n'
            "    categories=levels, ordered=True,\n"
            ")\n"
            'survey["q4"].value_counts(normalize=True, sort=False)\n'
        ),
        tip="A diverging stacked bar chart shows Likert items well.",
        link=Link(
            "pandas' categorical data guide",
            "https://pandas.pydata.org/docs/user_guide/categorical.html",
        ),
    ),
    CodeProblem(
        short="Counting coded interview segments per theme",
        language="sql",
        code=("SELECT theme, count(*)\nFROM codes\nGROUP BY theme;\n"),
        symptom=(
            "A theme coded five times in one interview counts five times. I "
            "want the number of *interviews* mentioning each theme."
        ),
        cause="Count distinct interviews instead of rows:",
        fix=(
            "SELECT theme,\n"
            "       count(DISTINCT interview_id) AS interviews,\n"
            "       count(*) AS segments\n"
            "FROM codes\n"
            "GROUP BY theme\n"
            "ORDER BY interviews DESC;\n"
        ),
        tip="Report both numbers: they answer different questions.",
        link=Link(
            "PostgreSQL's aggregate functions",
            "https://www.postgresql.org/docs/current/functions-aggregate.html",
        ),
    ),
)

FAQS = (
    Faq(
        title="Do I need ethics approval for a survey of classmates?",
        question=(
            "My study proposal is an anonymous online survey of other MSc "
            "students. Does that still need the full ethics application?"
        ),
        answer=(
            "Yes, any research with human participants needs approval, but an "
            "anonymous survey of adults on a non-sensitive topic usually goes "
            "through the **low-risk** route, which takes about a week. Use the "
            "template on the course page."
        ),
        category="ethics",
    ),
    Faq(
        title="Word limit for the study proposal",
        question="Do references and appendices count towards the 2,500 words?",
        answer=(
            "References don't count; appendices don't either, but markers are "
            "not required to read them, so anything essential goes in the main "
            "text. Tables count only their captions."
        ),
        category="coursework",
    ),
    Faq(
        title="Can my proposal reuse my dissertation topic?",
        question=(
            "I'd like the proposal to be a first version of my dissertation "
            "plan. Is that allowed?"
        ),
        answer=(
            "Yes, and we encourage it. Mention it in the cover sheet so your "
            "marker can give feedback with that in mind. The dissertation "
            "itself must of course go further than the proposal."
        ),
        category="coursework",
    ),
    Faq(
        title="What if a participant wants their data removed?",
        question=(
            "I promised in my information sheet that participants can withdraw. "
            "What do I actually do if someone asks after the interview?"
        ),
        answer=(
            "Delete their recording, transcript and codes, note the withdrawal "
            "(without details) in your data log, and carry on. State a cut-off "
            "date in the sheet, such as two weeks before analysis, so "
            "withdrawal remains possible in practice."
        ),
        category="ethics",
    ),
)

ANNOUNCEMENTS = (
    Announcement(
        title_template="Welcome to Research Methods",
        body_template=(
            "Welcome! This community is for the seminars and the two pieces of "
            "coursework. A few notes:\n"
            "\n"
            "- Seminars are on **Wednesdays at 11:00**; read the paper first.\n"
            "- Posts carry your name, except in *Ethics & consent*, where you "
            "may post anonymously to classmates.\n"
            "- Please don't share the invite link outside the module.\n"
        ),
        is_pinned=True,
    ),
    Announcement(
        title_template="Reading for week {week}",
        body_template=(
            "For week {week}, please read the two papers on the seminar page "
            "and come with one question about each. We'll work through the "
            "design of the first one together on {date}."
        ),
        category="seminars",
    ),
    Announcement(
        title_template="Study proposal deadline: {date}",
        body_template=(
            "The study proposal is due on **{date} at 12:00**. Structure:\n"
            "\n"
            "1. Question and why it matters\n"
            "2. Design, sample and power\n"
            "3. Measures and analysis plan\n"
            "4. Ethics\n"
            "\n"
            "Marking criteria are on the course page."
        ),
        category="coursework",
        is_pinned=True,
    ),
    Announcement(
        title_template="Ethics committee dates this term",
        body_template=(
            "The school ethics committee meets every other week; the next "
            "deadline for applications is **{date}**.\n"
            "\n"
            "| Route | Typical turnaround |\n"
            "| --- | --- |\n"
            "| Low risk | about 1 week |\n"
            "| Full review | 3–4 weeks |\n"
        ),
        category="ethics",
    ),
)

SUBJECT = Subject(
    session="Seminar",
    task="Coursework",
    concepts=CONCEPTS,
    problems=PROBLEMS,
    faqs=FAQS,
    announcements=ANNOUNCEMENTS,
    concept_titles=(
        "How should I report {concept}?",
        "Confused about {concept} after the {session} reading",
        "Is my use of {concept} right for the proposal?",
        "{Concept} in qualitative work?",
        "A reviewer-style question about {concept}",
        "Common mistakes with {concept}?",
        "How do I justify {concept} in the methods section?",
        "{Concept}: textbook vs the paper we read",
    ),
    compare_titles=(
        "{Concept} or {other} for my design?",
        "What's the difference between {concept} and {other}?",
    ),
    problem_titles=(
        "{Short}",
        "{task}: {short}",
        "Help: {short}",
    ),
    discussions=(
        Discussion(
            "The week {week} paper: was the design convincing?",
            "I came out of the seminar unsure. The authors claim a causal "
            "effect, but I'm not convinced they dealt with {concept}. This "
            "line worries me most:\n\n"
            "> Participants were recruited through the researchers' own "
            "networks.\n\n"
            "What did you think?",
            "concept",
            "seminars",
        ),
        Discussion(
            "Good examples of {concept} in published work",
            "For the proposal it would help to see {concept} done well. Post "
            "papers you think handle it carefully, with one line on why.",
            "share",
        ),
        Discussion(
            "Writing group for the proposal",
            "Would anyone like a weekly writing group for the study proposal? "
            "The idea: two hours of quiet writing, then ten minutes each on "
            "what we got done.",
            "meetup",
            "coursework",
        ),
        Discussion(
            "Share your proposal question for feedback",
            "Post your research question in one sentence and give feedback on "
            "two others. Keep it kind and specific.",
            "share",
            "coursework",
        ),
        Discussion(
            "How do you keep a research log?",
            "Paper notebook, a Markdown file per week, something fancier? I "
            "keep forgetting why I made decisions about the data.",
            "advice",
        ),
    ),
    tips=(
        "Write the analysis plan before looking at the data.",
        "Report effect sizes with confidence intervals, not only p-values.",
        "Say what would change your mind.",
        "Describe the sample so readers can judge who the results apply to.",
        "Keep a dated log of every decision you make about the data.",
    ),
    concept_categories=("seminars", "seminars", "coursework", "general"),
    problem_categories=("coursework", "coursework", "general"),
    discussion_categories=("seminars", "general", "coursework"),
)
