"""Subject matter of the demo course "Machine Learning Systems"."""

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

NOTES = "https://example.org/msc-ds/ml-systems"
DOCKER = Link("the Docker documentation", "https://docs.docker.com/")
PYTHON_DOCS = Link("the Python documentation", "https://docs.python.org/3/")

CONCEPTS = (
    Concept(
        name="training–serving skew",
        explanation=(
            "Training–serving skew is any difference between the features a "
            "model saw in training and the ones it gets in production: a "
            "different code path, a different time window, a default filled "
            "in differently. The model is then evaluated on one distribution "
            "and used on another."
        ),
        strengths="Explains many silent accuracy drops",
        pitfalls="Invisible in offline metrics",
        tuning="Share feature code between training and serving",
        link=Link("the week 3 slides", f"{NOTES}/week-3"),
    ),
    Concept(
        name="data drift",
        explanation=(
            "Data drift is a change in the distribution of the inputs over "
            "time. A common monitor is the population stability index, which "
            "compares binned proportions between a reference window and the "
            "current one."
        ),
        formula=(r"\mathrm{PSI} = \sum_{i=1}^{b} (p_i - q_i) \ln \frac{p_i}{q_i}"),
        symbol="b",
        symbol_role="the number of bins",
        strengths="Cheap to compute per feature",
        pitfalls="Drift is not always harmful to accuracy",
        tuning="Bins from the reference window's quantiles",
        link=Link("the monitoring lab", f"{NOTES}/labs/monitoring"),
    ),
    Concept(
        name="tail latency",
        explanation=(
            "Averages hide the slow requests that users notice. We track high "
            "percentiles such as p99; when one page fans out to many services, "
            "the chance that at least one is slow grows quickly."
        ),
        formula=r"P(\text{at least one slow call}) = 1 - (1 - q)^{n}",
        symbol="q",
        symbol_role="the share of calls slower than the threshold",
        strengths="Matches what users feel",
        pitfalls="Needs many samples to estimate",
        tuning="Timeouts, hedged requests, batching",
        link=Link("the serving lecture", f"{NOTES}/week-5"),
    ),
    Concept(
        name="batch versus online inference",
        explanation=(
            "Batch inference scores everything on a schedule and stores the "
            "results; online inference scores each request as it arrives. "
            "Batch is cheaper and simpler, online is fresher and can use "
            "request-time features."
        ),
        strengths="Batch: simple; online: fresh",
        pitfalls="Online needs a latency budget and a fallback",
        tuning="Start with batch unless freshness matters",
        link=Link("the serving lecture", f"{NOTES}/week-5"),
    ),
    Concept(
        name="feature stores",
        explanation=(
            "A feature store keeps feature definitions in one place and serves "
            "the same values to training (as of a point in time) and to online "
            "inference. Point-in-time correctness is what prevents label "
            "leakage in the training set."
        ),
        strengths="One definition for training and serving",
        pitfalls="Heavy to run for a small team",
        tuning="A well-kept SQL view is often enough",
        link=Link("the week 4 slides", f"{NOTES}/week-4"),
    ),
    Concept(
        name="data-parallel training",
        explanation=(
            "In data-parallel training every worker holds a copy of the model, "
            "processes its own slice of the batch and the gradients are "
            "averaged. The effective batch size grows with the number of "
            "workers, so the learning rate usually has to change too."
        ),
        formula=r"B_{\text{eff}} = B_{\text{local}} \times W \times A",
        symbol="W",
        symbol_role="the number of workers",
        strengths="Near-linear speed-ups for large models",
        pitfalls="Communication costs dominate small models",
        tuning="Scale the learning rate with the effective batch",
        link=Link(
            "PyTorch's distributed overview",
            "https://pytorch.org/tutorials/beginner/dist_overview.html",
        ),
    ),
    Concept(
        name="mixed-precision training",
        explanation=(
            "Mixed precision keeps master weights in 32-bit floats but does most "
            "arithmetic in 16-bit formats, roughly halving memory for "
            "activations. Loss scaling keeps small gradients from underflowing."
        ),
        strengths="Faster training, bigger batches",
        pitfalls="Underflow without loss scaling",
        tuning="bfloat16 where the hardware supports it",
        link=Link(
            "PyTorch's AMP documentation", "https://pytorch.org/docs/stable/amp.html"
        ),
    ),
    Concept(
        name="model quantisation",
        explanation=(
            "Quantisation stores weights (and sometimes activations) as 8-bit or "
            "4-bit integers with a scale factor, shrinking the model and "
            "speeding up inference at a small cost in accuracy."
        ),
        formula=r"x_q = \operatorname{round}\left(\frac{x}{s}\right) + z",
        symbol="s",
        symbol_role="the scale factor",
        strengths="Smaller, faster models",
        pitfalls="Accuracy loss on outlier-heavy layers",
        tuning="Calibrate scales on real data",
        link=Link("the week 8 slides", f"{NOTES}/week-8"),
    ),
    Concept(
        name="online A/B tests of models",
        explanation=(
            "An A/B test sends a random share of traffic to the new model and "
            "compares a business metric, not the offline score. The sample "
            "size needed depends on the smallest effect worth detecting."
        ),
        formula=(
            r"n \approx \frac{2\,(z_{1-\alpha/2} + z_{1-\beta})^2 \, \sigma^2}"
            r"{\delta^2}"
        ),
        symbol=r"\delta",
        symbol_role="the smallest effect worth detecting",
        strengths="Measures real impact",
        pitfalls="Peeking early inflates false positives",
        tuning="Fix the sample size before you start",
        link=Link("the experimentation lecture", f"{NOTES}/week-7"),
    ),
    Concept(
        name="reproducible training runs",
        explanation=(
            "A run is reproducible when code version, data snapshot, "
            "configuration, environment and random seeds are all recorded. "
            "Bit-for-bit equality on GPUs also needs deterministic kernels."
        ),
        strengths="Debuggable, auditable results",
        pitfalls="Unpinned dependencies drift silently",
        tuning="Lock files plus an experiment tracker",
        link=PYTHON_DOCS,
    ),
    Concept(
        name="containerised model serving",
        explanation=(
            "Packaging the model, its code and its exact dependencies into a "
            "container image makes the serving environment the same on a "
            "laptop, in CI and in production."
        ),
        strengths="Same environment everywhere",
        pitfalls="Huge images if you copy the whole project",
        tuning="Multi-stage builds and a slim base image",
        link=DOCKER,
    ),
    Concept(
        name="columnar storage with Parquet",
        explanation=(
            "Parquet stores data by column with per-column compression and "
            "statistics, so a query that needs three columns out of two "
            "hundred reads a fraction of the file."
        ),
        strengths="Fast scans of a few columns",
        pitfalls="Many tiny files are slow",
        tuning="Partition by a low-cardinality column such as date",
        link=Link("the Apache Parquet site", "https://parquet.apache.org/docs/"),
    ),
)

PROBLEMS = (
    CodeProblem(
        short="Docker image for the model server is 4 GB",
        language="docker",
        code=(
            "FROM python:3.12\n"
            "COPY . /app\n"
            "RUN pip install -r /app/requirements.txt\n"
            'CMD ["python", "/app/serve.py"]\n'
        ),
        symptom=("The image takes ages to push and the lab's registry quota is 2 GB."),
        cause=(
            "The full Python image plus everything in the project folder "
            "(including the data and the `.git` directory) ends up in the "
            "image. Use a slim base, copy only what the server needs and add "
            "a `.dockerignore`:"
        ),
        fix=(
            "FROM python:3.12-slim\n"
            "WORKDIR /app\n"
            "COPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n"
            "COPY serve.py model.joblib ./\n"
            'CMD ["python", "serve.py"]\n'
        ),
        tip="Copy `requirements.txt` first so the dependency layer is cached.",
        link=DOCKER,
    ),
    CodeProblem(
        short="CUDA out of memory with batch size 64",
        language="python",
        code=(
            "for batch in loader:\n"
            "    logits = model(batch.inputs.cuda())\n"
            "    loss = loss_fn(logits, batch.labels.cuda())\n"
            "    loss.backward()\n"
            "    optimizer.step()\n"
            "    history.append(loss)\n"
        ),
        output=(
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate "
            "256.00 MiB (GPU 0; 15.77 GiB total capacity)\n"
        ),
        symptom="It runs for a few hundred steps and then dies.",
        cause=(
            "`history.append(loss)` keeps every loss tensor, and each one holds "
            "on to its whole computation graph, so memory grows with every "
            "step. Store a plain number, and zero the gradients:"
        ),
        fix=(
            "for batch in loader:\n"
            "    optimizer.zero_grad(set_to_none=True)\n"
            "    logits = model(batch.inputs.cuda())\n"
            "    loss = loss_fn(logits, batch.labels.cuda())\n"
            "    loss.backward()\n"
            "    optimizer.step()\n"
            "    history.append(loss.item())\n"
        ),
        tip="`torch.cuda.max_memory_allocated()` after a few steps shows whether memory keeps growing.",
        link=Link(
            "PyTorch's notes on CUDA memory",
            "https://pytorch.org/docs/stable/notes/cuda.html",
        ),
    ),
    CodeProblem(
        short="Feature query double counts orders",
        language="sql",
        code=(
            "SELECT c.customer_id,\n"
            "       count(*) AS orders_90d,\n"
            "       sum(p.amount) AS paid_90d\n"
            "FROM customers AS c\n"
            "JOIN orders AS o ON o.customer_id = c.customer_id\n"
            "JOIN payments AS p ON p.customer_id = c.customer_id\n"
            "WHERE o.created_at > now() - interval '90 days'\n"
            "GROUP BY c.customer_id;\n"
        ),
        symptom=("`orders_90d` is far too high for customers with several payments."),
        cause=(
            "Joining orders and payments on the customer multiplies the rows: "
            "every order is paired with every payment. Aggregate each table "
            "first, then join the aggregates:"
        ),
        fix=(
            "WITH o AS (\n"
            "    SELECT customer_id, count(*) AS orders_90d\n"
            "    FROM orders\n"
            "    WHERE created_at > now() - interval '90 days'\n"
            "    GROUP BY customer_id\n"
            "), p AS (\n"
            "    SELECT customer_id, sum(amount) AS paid_90d\n"
            "    FROM payments\n"
            "    WHERE paid_at > now() - interval '90 days'\n"
            "    GROUP BY customer_id\n"
            ")\n"
            "SELECT customer_id, o.orders_90d, coalesce(p.paid_90d, 0) AS paid_90d\n"
            "FROM o LEFT JOIN p USING (customer_id);\n"
        ),
        tip=(
            "For training data, replace `now()` with the prediction time of "
            "each row, or the features see the future."
        ),
        link=Link(
            "PostgreSQL's WITH queries",
            "https://www.postgresql.org/docs/current/queries-with.html",
        ),
    ),
    CodeProblem(
        short="FastAPI endpoint is slow under load",
        language="python",
        code=(
            '@app.post("/predict")\n'
            "async def predict(item: Item):\n"
            '    model = joblib.load("model.joblib")\n'
            '    return {"score": float(model.predict_proba([item.vector])[0, 1])}\n'
        ),
        symptom=(
            "p50 is fine when I test it alone, but p99 goes above two seconds "
            "with the load-testing script from the lab."
        ),
        cause=(
            "The model is loaded from disk on every request, and a blocking "
            "call inside an `async` function stalls the event loop for every "
            "other request. Load once at start-up and make the handler a "
            "plain function so it runs in the thread pool:"
        ),
        fix=(
            'MODEL = joblib.load("model.joblib")\n'
            "\n"
            '@app.post("/predict")\n'
            "def predict(item: Item) -> dict[str, float]:\n"
            "    score = MODEL.predict_proba([item.vector])[0, 1]\n"
            '    return {"score": float(score)}\n'
        ),
        tip="Measure again with the same script: compare p99, not the mean.",
        link=Link(
            "FastAPI's page on concurrency",
            "https://fastapi.tiangolo.com/async/",
        ),
    ),
    CodeProblem(
        short="Training job on the cluster is killed after an hour",
        language="shell",
        code=(
            "#!/bin/bash\n"
            "#SBATCH --job-name=train\n"
            "#SBATCH --gres=gpu:1\n"
            "\n"
            "python train.py --epochs 30\n"
        ),
        output="slurmstepd: error: *** JOB 481516 CANCELLED DUE TO TIME LIMIT ***\n",
        symptom="Thirty epochs should take about five hours.",
        cause=(
            "Without `--time` the job gets the partition's default limit, "
            "which is one hour on the teaching queue. Ask for the time you "
            "need and save checkpoints so a cancelled job can resume:"
        ),
        fix=(
            "#!/bin/bash\n"
            "#SBATCH --job-name=train\n"
            "#SBATCH --gres=gpu:1\n"
            "#SBATCH --time=06:00:00\n"
            "#SBATCH --output=logs/%x-%j.out\n"
            "\n"
            'python train.py --epochs 30 --checkpoint-dir "$SCRATCH/ckpt" --resume\n'
        ),
        tip="`sinfo -o '%P %l'` lists the time limit of each partition.",
        link=Link("the cluster guide", "https://example.org/msc-ds/cluster-guide"),
    ),
    CodeProblem(
        short="Reading the Parquet dataset with pandas is very slow",
        language="python",
        code=(
            "import pandas as pd\n"
            "\n"
            'events = pd.read_parquet("s3://course-bucket/events/")\n'
            'recent = events[events["day"] >= "2026-10-01"][["user_id", "amount"]]\n'
        ),
        symptom="It downloads everything before filtering, several gigabytes.",
        cause=(
            "Filtering after loading means every column of every partition is "
            "read first. Pass the columns and a filter so only the needed "
            "partitions and columns are fetched:"
        ),
        fix=(
            "recent = pd.read_parquet(\n"
            '    "s3://course-bucket/events/",\n'
            '    columns=["user_id", "amount"],\n'
            '    filters=[("day", ">=", "2026-10-01")],\n'
            ")\n"
        ),
        tip="Partition pruning only works on the partition column, `day` here.",
        link=Link(
            "pandas' read_parquet reference",
            "https://pandas.pydata.org/docs/reference/api/pandas.read_parquet.html",
        ),
    ),
)

FAQS = (
    Faq(
        title="How big should teams be for the project?",
        question=(
            "The brief says 'small teams'. Is there a fixed size? Can I work alone?"
        ),
        answer=(
            "Teams of **three or four**. Working alone isn't allowed, because "
            "part of the assessment is how you split and review the work. If "
            "you don't have a team by week 4, post in *Team project* and we "
            "will match you."
        ),
        category="team-project",
    ),
    Faq(
        title="Do we get cloud credits for the labs?",
        question="Some labs mention a GPU. Do we need to pay for one ourselves?",
        answer=(
            "No. Every student gets an account on the department cluster, and "
            "the labs fit in its teaching queue. The cluster guide explains "
            "how to get started."
        ),
        category="labs",
    ),
    Faq(
        title="Which Python version for the labs?",
        question="I have 3.10 installed. Will that work?",
        answer=(
            "Please use **Python 3.12**; the lab environments are pinned to "
            "it and a few libraries need it. `uv` or `conda` can install it "
            "next to your system Python."
        ),
        category="labs",
    ),
)

ANNOUNCEMENTS = (
    Announcement(
        title_template="Welcome to Machine Learning Systems",
        body_template=(
            "Hello everyone, and welcome! This module is about everything "
            "around the model: data pipelines, serving, monitoring and cost.\n"
            "\n"
            "- Lectures: Tuesdays 14:00, recordings on the course page\n"
            "- Labs: Thursdays, bring a laptop with Python 3.12\n"
            "- Team project: teams of three or four, formed by week 4\n"
            "\n"
            "You can post anonymously to your classmates in most categories; "
            "teaching staff still see your name."
        ),
        is_pinned=True,
    ),
    Announcement(
        title_template="Lab {week} is online",
        body_template=(
            "Lab {week} is on the course page. Before Thursday, please:\n"
            "\n"
            "```shell\n"
            "git pull\n"
            "uv sync\n"
            "python -m labs.check\n"
            "```\n"
            "\n"
            "The last command should print `all good`. If it doesn't, post the "
            "output in *Labs*."
        ),
        category="labs",
    ),
    Announcement(
        title_template="Project milestone 1 due {date}",
        body_template=(
            "Milestone 1 is a two-page design document and a working baseline. "
            "Submit one PDF per team by **{date}, 17:00**.\n"
            "\n"
            "| Section | Pages |\n"
            "| --- | ---: |\n"
            "| Problem and metric | 0.5 |\n"
            "| Data and features | 0.5 |\n"
            "| Baseline and serving plan | 1 |\n"
        ),
        category="team-project",
        is_pinned=True,
    ),
    Announcement(
        title_template="Cluster maintenance on {date}",
        body_template=(
            "The department cluster will be down for maintenance on **{date}** "
            "from 08:00 to 13:00. Jobs still queued then will start afterwards; "
            "running jobs will be stopped, so save checkpoints."
        ),
    ),
)

SUBJECT = Subject(
    session="Lecture",
    task="Lab",
    concepts=CONCEPTS,
    problems=PROBLEMS,
    faqs=FAQS,
    announcements=ANNOUNCEMENTS,
    concept_titles=(
        "How do you detect {concept} in practice?",
        "Question about {concept} from {session}",
        "Is {concept} overkill for the team project?",
        "Explaining {concept} to a product manager",
        "What tools does the industry use for {concept}?",
        "{Concept}: a worked example?",
        "Where does {concept} go wrong at scale?",
        "Did I understand {concept} correctly?",
    ),
    compare_titles=(
        "{Concept} vs {other} for our project?",
        "Trade-offs between {concept} and {other}",
    ),
    problem_titles=(
        "{Short}",
        "{task} {week}: {short}",
        "Help: {short}",
        "{Short} — any ideas?",
    ),
    discussions=(
        Discussion(
            "Looking for a team: {concept}",
            "I'm looking for two or three people for the team project. I'd "
            "like to do something around {concept}. I'm comfortable with "
            "Python and SQL, less so with deployment. Reply here if you're "
            "interested!",
            "share",
            "team-project",
        ),
        Discussion(
            "War stories about {concept}",
            "Mentors and anyone with industry experience: what's the worst "
            "problem with {concept} you've seen in production, and how was it "
            "found?",
            "concept",
        ),
        Discussion(
            "What does your team use for experiment tracking?",
            "We're comparing options for the project. So far:\n\n"
            "| Option | Pros | Cons |\n"
            "| --- | --- | --- |\n"
            "| Spreadsheet | Zero setup | Manual, easy to get wrong |\n"
            "| MLflow | UI and model registry | Another service to run |\n"
            "| JSON next to each checkpoint | Simple, versioned with Git | No UI |\n"
            "\nWhat are other teams doing?",
            "share",
            "team-project",
        ),
        Discussion(
            "Is anyone going to the meetup on {concept}?",
            "There's a local meetup on {concept} next week, details on the "
            "[meetup page](https://example.org/meetups/ml-in-production). "
            "Anyone want to go together?",
            "meetup",
        ),
    ),
    tips=(
        "Measure before you optimise: a profile beats a guess.",
        "Log the model version with every prediction.",
        "Keep feature code in one package that training and serving both import.",
        "Pin your dependencies with a lock file.",
        "Alert on symptoms users see, not on every metric you can collect.",
        "Start with the simplest thing that can work, then add parts you need.",
    ),
    concept_categories=("lectures", "lectures", "general", "team-project"),
    problem_categories=("labs", "labs", "team-project", "general"),
    discussion_categories=("general", "team-project", "lectures"),
)
