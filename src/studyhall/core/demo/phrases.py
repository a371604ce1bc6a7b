"""Sentences the demo writer combines with a course's subject matter.

Placeholders: {concept} {Concept} {other} {Other} {session} {session_lower}
{task} {task_lower} {week} {course} {link} {tip} {tip_lower} {pitfalls_lower}
and, where a concept has one, {symbol} and {symbol_role}. Templates hold no
LaTeX or code braces of their own, so str.format is safe.
"""

from __future__ import annotations

from studyhall.core.demo.content import Discussion

# --- questions -----------------------------------------------------------------

QUESTION_OPENERS = (
    "I've re-read the notes on {concept} from {session_lower} {week} twice and "
    "there's one step I still don't get.",
    "Quick question about {concept}, following on from this week's {session_lower}.",
    "I'm revising {concept} and I think I've confused myself.",
    "While working on the {task_lower} I realised I don't understand {concept} "
    "as well as I thought.",
    "Apologies if this is obvious: {concept} is new to me and the textbook goes "
    "quite fast.",
    "Our study group spent an hour on {concept} yesterday and we couldn't agree.",
    "Something about {concept} has been bugging me since {session_lower} {week}.",
)

CONFUSIONS_SYMBOL = (
    "What exactly happens as ${symbol}$ ({symbol_role}) grows? I get the "
    "picture on the slide, but not *why* it happens.",
    "How am I supposed to pick ${symbol}$? The notes say {symbol_role} is "
    "chosen by the data, but I'm not sure what that means in practice.",
    "Is ${symbol}$ something we estimate or something we set?",
    "What do the two extremes, a very small and a very large ${symbol}$, look "
    "like in practice?",
    "Why does ${symbol}$ ({symbol_role}) appear where it does in the formula?",
)

CONFUSIONS_PLAIN = (
    "What problem is {concept} actually solving, compared with what we did the "
    "week before?",
    "When would I **not** want to use {concept}?",
    "How would I explain {concept} to someone who hasn't taken the module? I'd "
    "like to check I can.",
    "Is there a simple example where {concept} clearly matters?",
)

FORMULA_INTROS = (
    "This is the version from the slides:",
    "For reference, the notes write it as",
    "Here is the expression I'm stuck on:",
)

TRIED = (
    "re-watching the recording of {session_lower} {week}",
    "working through the textbook example by hand",
    "simulating a small dataset and plotting what happens",
    "searching the forum (I found a related thread, but it was about {other})",
    "reading the [documentation]({link_url})",
    "asking my study group, who were just as confused",
)

CLOSERS = (
    "Thanks in advance!",
    "Any pointers welcome.",
    "Happy to be told I'm overthinking this.",
    "Thanks!",
    "Would really appreciate a hand before the next {session_lower}.",
    "",
    "",
)

COMPARE_OPENERS = (
    "We've now seen both {concept} and {other}, and I'm not sure how to choose.",
    "For the {task_lower} I could use {concept} or {other}. My understanding so far:",
    "I keep mixing up {concept} and {other}. Here's how I think of them:",
)

COMPARE_ASKS = (
    "Is that roughly right? Is there a rule of thumb for when to pick which?",
    "What am I missing?",
    "Would either be acceptable in the exam if I justify the choice?",
)

PROBLEM_OPENERS = (
    "I'm stuck on the {task_lower} for week {week}. This is what I have:",
    "Can anyone see what's wrong here?",
    "Minimal example of my problem:",
    "I've been going round in circles with this for an hour:",
)

OUTPUT_INTROS = ("This is what I get:", "Output:", "The error:")

ENVIRONMENTS = {
    "python": (
        "Python 3.12, scikit-learn 1.5, pandas 2.2, on my laptop.",
        "Running it in the lab's JupyterLab.",
    ),
    "r": ("R 4.4 in RStudio.", "R 4.4.1 on the lab machines."),
    "sql": ("Running against the course PostgreSQL database.",),
    "shell": ("On the cluster login node.", "macOS, zsh."),
    "docker": ("Docker Desktop on Windows, WSL 2.",),
}

# --- answers -------------------------------------------------------------------

ANSWER_OPENERS = (
    "Good question: this trips people up every year.",
    "Not a silly question at all.",
    "Let me try a different angle from the {session_lower}.",
    "Think of it this way.",
    "",
    "",
)

SYMBOL_NOTES = (
    "Here ${symbol}$ is {symbol_role}. Choose it by looking at held-out error, "
    "never at the training error, which always prefers the most flexible option.",
    "The quantity to watch is ${symbol}$, {symbol_role}. Try a handful of "
    "values on a small simulated dataset and plot the fit for each: the "
    "pattern is much clearer in a picture.",
    "Everything hinges on ${symbol}$ ({symbol_role}); the rest of the formula "
    "is bookkeeping.",
)

FOOTNOTE_LEADS = (
    "The same argument is in the textbook.[^1]",
    "We went through this in {session_lower} {week}.[^1]",
)

FOOTNOTES = (
    "[^1]: Chapter {chapter}, section {section}; the recording covers it from "
    "minute {minute}.",
    "[^1]: Slides {slide} to {slide_end} of {session_lower} {week}.",
)

COMPARE_INTROS = (
    "Roughly:",
    "Here's how I'd summarise them:",
    "A side-by-side helps:",
)

RULES_OF_THUMB = (
    "Rule of thumb: try both, compare them on the same folds, and prefer the "
    "simpler one unless the difference is clear.",
    "If you have to explain the model to someone else, that often decides it.",
    "In the {task_lower} either is fine as long as you justify the choice.",
)

LINK_SENTENCES = (
    "There's a worked example in {link}.",
    "See also {link}.",
    "There's a good explanation in {link}.",
)

SECOND_ANSWER_LEADS = (
    "Adding to the answer above:",
    "One more angle that helped me:",
    "To build on what's been said:",
)

CONTRAST_LEADS = (
    "It might help to contrast it with {other}:",
    "Putting it next to {other} made it clearer for me:",
)

PROBLEM_FOLLOW_ANSWERS = (
    "Same fix worked for me. Also worth knowing: {tip_lower}",
    "Another thing worth checking: {tip_lower}",
    "Had exactly this last week. The answer above is right, and {link} explains why.",
)

SHORT_ANSWERS = (
    "Have a look at {link}; the second example is almost exactly your case.",
    "I think the answer above is right. {tip}",
    "Same conclusion here after trying it on the lab data.",
)

# --- replies -------------------------------------------------------------------

THANKS_FOLLOWUPS = (
    "That was it, thank you!",
    "Thanks, that makes sense now.",
    "Perfect, works now. Thanks a lot.",
    "Ahh, I see it now. Thank you for taking the time!",
    "This is really clear, thanks.",
)

QUESTION_FOLLOWUPS = (
    "Thanks! Follow-up: does the same reasoning hold for {other}?",
    "That helps. So in the exam it's enough to state the result and explain "
    "what it means?",
    "Thank you. One more thing: would you report this in the main text or in "
    "an appendix?",
    "Makes sense. How would I check that this is what's happening in my case?",
)

ME_TOO = (
    "Same question here, glad someone asked.",
    "+1, I was stuck on exactly this.",
    "I had the same issue in the {task_lower} this week.",
    "Following, I'd like to know too.",
)

STAFF_NOTES = (
    "For the exam you should be able to explain {concept} in words and "
    "interpret its output; you won't be asked to reproduce a long derivation.",
    "Good discussion, everyone. I'll go over {concept} again at the start of "
    "next week's {session_lower}.",
    "I've added a short worked example on {concept} to the "
    "[course page](https://example.org/msc-ds/worked-examples). Have a look "
    "before the next {session_lower}.",
    "Nice answers. One addition: {tip_lower}",
)

MENTOR_NOTES = (
    "When I took this module, what made {concept} click was coding it from "
    "scratch on a tiny dataset. Worth the hour.",
    "In my job we run into {concept} more than you'd think. The part that "
    "matters in practice: {pitfalls_lower}.",
    "Seconding the advice above. Also: {tip_lower}",
    "Last year's cohort had the same question. The short answer then was to "
    "start simple and write down every choice.",
)

QUOTE_COMMENTS = (
    "This is the key point. I'd add: {tip_lower}",
    "Small caveat: {pitfalls_lower}, so check that first.",
    "Agreed, and it's exactly what the lab shows if you plot it.",
    "Is that always true? I got a different result when I tried it with {other}.",
    "This helped me a lot, thank you.",
)

MENTION_STAFF = (
    "cc @{handle}",
    "@{handle} covered this in office hours, maybe they can confirm?",
    "@{handle}, could you confirm this is what you meant in the {session_lower}?",
)

MENTION_PEERS = (
    "cc @{handle}",
    "@{handle}, didn't you have the same problem last week?",
    "Tagging @{handle}, who explained this really well in our study group.",
)

# --- discussions ---------------------------------------------------------------

GENERIC_DISCUSSIONS = (
    Discussion(
        "What finally made {concept} click for you?",
        "We covered {concept} in {session_lower} {week}. Share the explanation, "
        "picture or example that made it click for you. For me it was working "
        "through a tiny example by hand.",
        "concept",
    ),
    Discussion(
        "Resources for {concept} beyond the slides",
        "Collecting good resources here. So far:\n\n1. The textbook chapter\n"
        "2. {link}\n\nAdd yours, ideally with a sentence on who it's for.",
        "share",
    ),
    Discussion(
        "Study group for week {week}?",
        "Anyone want to meet and go through this week's material together? I'm "
        "thinking an hour, working through the {task_lower} questions without "
        "sharing answers. Reply with times that work for you.",
        "meetup",
    ),
    Discussion(
        "Thoughts on {session_lower} {week}",
        "What did everyone make of this week's {session_lower}? For me the part "
        "on {concept} went quite fast; the rest was fine.",
        "concept",
    ),
)

DISCUSSION_REPLIES = {
    "concept": (
        "For me it was the lab: seeing {concept} fail on purpose taught me more "
        "than the slides.",
        "Counterpoint: {pitfalls_lower}, so I'd be careful before relying on it.",
        "Honestly still finding {concept} hard. Good to know I'm not the only one.",
        "{tip}",
        "The explanation in {link} is the one that worked for me.",
        "It got easier once I compared it with {other}: the same question, "
        "different assumptions.",
        "My top three:\n\n1. Do the examples by hand first.\n2. Then code them."
        "\n3. Then explain them to someone else.",
    ),
    "meetup": (
        "I'm in! Tuesdays after the {session_lower} work best for me.",
        "Here's what a few of us have so far:\n\n| Day | Time | Where |\n"
        "| --- | --- | --- |\n| Tuesday | 16:00 | Library, group room 3 |\n"
        "| Thursday | 18:30 | Online |",
        "Count me in, but I can only join online.",
        "Could we use the library group rooms? The café is too loud.",
        "Booked group room 3 for Thursday at 18:30. See you there!",
        "Sounds great. I'll bring snacks.",
    ),
    "share": (
        "Strongly recommend {link}. It's long, but the first half is all you need.",
        "Adding one: the textbook's end-of-chapter exercises, with solutions on "
        "its website.",
        "Following this thread, great ideas so far.",
        "Here's my list:\n\n- a podcast episode on {concept}\n- {link}\n"
        "- last year's student talks on the course page",
        "Mine is about {concept}, using open data from the city council. "
        "Happy to compare notes with anyone doing something similar.",
        "{tip}",
    ),
    "advice": (
        "What works for me: {tip_lower}",
        "Honestly, I'm still figuring it out. Following.",
        "Block out fixed times in the week and protect them like lectures.",
        "Talk to the programme office early if it gets too much; they were "
        "really helpful for me.",
        "A shared calendar with my study group helped a lot.",
        "I keep a Markdown file per week with *what I did*, *why* and *what's "
        "next*. It takes five minutes on a Friday.",
    ),
    "intro": (
        "Hi all! Before the MSc I studied {background}. Most looking forward to "
        "{concept}, and to meeting everyone.",
        "Hello! I did {background}. Slightly nervous about the maths, excited "
        "about {concept}.",
        "Hey everyone, background in {background}. Happy to help anyone with "
        "{concept} if I can.",
    ),
}

BACKGROUNDS = (
    "economics in Accra",
    "physics in Kraków, then two years at a bank",
    "nursing, then five years as an analyst at a hospital in Manila",
    "mathematics in Chennai",
    "biology in São Paulo",
    "software engineering in Seoul",
    "psychology in Dublin",
    "geography in Nairobi",
    "philosophy in Toulouse, then a data bootcamp",
    "civil engineering in Monterrey",
    "journalism in Beirut, where I got hooked on data stories",
    "chemistry in Osaka",
)

# --- announcements ---------------------------------------------------------------

# A question a student asks under a notice, and the answer its author gives.
ANNOUNCEMENT_QUESTIONS = (
    (
        "Will it be recorded?",
        "Yes, the recording goes on the course page the same day.",
    ),
    ("Is that UK time?", "Yes, UK time."),
    ("Could the slides be shared beforehand?", "Slides go up the evening before."),
    ("Is attendance compulsory?", "Not compulsory, but strongly recommended."),
)

ANNOUNCEMENT_THANKS = (
    "Thanks for the heads-up!",
    "Thank you, this is really helpful.",
    "Thanks!",
)

# --- edits and deletions -----------------------------------------------------------

EDIT_NOTES = {
    "question": (
        "**Edit:** clarified which part I mean.",
        "**Edit:** fixed the formatting.",
        "**Edit:** added what I tried.",
    ),
    "opening": (
        "**Edit:** fixed a typo.",
        "**Edit:** added a link to the course page.",
    ),
    "reply": (
        "**Edit:** fixed a typo.",
        "**Edit:** added a bit more detail.",
        "**Edit:** corrected the second point, thanks for spotting it.",
    ),
}

SOLVED_EDIT = "**Edit:** solved, see the accepted answer. Thanks, everyone!"

DELETED_BY_AUTHOR = (
    "Sorry, posted this in the wrong thread.",
    "Duplicate of my reply above, please ignore.",
    "Never mind, I misread the question.",
)

DELETED_BY_MODERATOR = (
    "Here's my complete solution, just copy it:\n\n```python\n"
    "answers = {{part: solve(part) for part in 'abc'}}\n```",
    "Selling last year's graded coursework, message me.",
)
