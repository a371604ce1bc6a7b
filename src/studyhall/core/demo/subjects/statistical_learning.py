"""Subject matter of the demo course "Statistical Learning"."""

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

SKLEARN_LINEAR = Link(
    "scikit-learn's guide to linear models",
    "https://scikit-learn.org/stable/modules/linear_model.html",
)
SKLEARN_CV = Link(
    "scikit-learn's page on cross-validation",
    "https://scikit-learn.org/stable/modules/cross_validation.html",
)
SKLEARN_PITFALLS = Link(
    "scikit-learn's common pitfalls page",
    "https://scikit-learn.org/stable/common_pitfalls.html",
)
GLMNET = Link("the glmnet package page", "https://cran.r-project.org/package=glmnet")
NOTES = "https://example.org/msc-ds/statistical-learning/notes"

CONCEPTS = (
    Concept(
        name="ridge regression",
        explanation=(
            "Ridge regression adds a squared ($\\ell_2$) penalty on the coefficients "
            "to the least-squares loss. The penalty pulls every coefficient towards "
            "zero but never exactly to zero, trading a little bias for a lot less "
            "variance when predictors are correlated."
        ),
        formula=(
            r"\hat{\beta}^{\text{ridge}} = \underset{\beta}{\operatorname{argmin}} \sum_{i=1}^{n} "
            r"(y_i - x_i^\top \beta)^2 + \lambda \sum_{j=1}^{p} \beta_j^2"
        ),
        symbol=r"\lambda",
        symbol_role="the penalty strength",
        strengths="Stable with correlated predictors",
        pitfalls="Keeps every predictor; scale them first",
        tuning="$\\lambda$ by cross-validation",
        link=SKLEARN_LINEAR,
    ),
    Concept(
        name="the lasso",
        explanation=(
            "The lasso swaps ridge's squared penalty for an absolute-value "
            "($\\ell_1$) one. Because of the corners of the $\\ell_1$ ball, some "
            "coefficients land exactly on zero, so the lasso selects variables "
            "as it shrinks."
        ),
        formula=(
            r"\hat{\beta}^{\text{lasso}} = \underset{\beta}{\operatorname{argmin}} \frac{1}{2n} "
            r"\lVert y - X\beta \rVert_2^2 + \lambda \lVert \beta \rVert_1"
        ),
        symbol=r"\lambda",
        symbol_role="the penalty strength",
        strengths="Sparse, readable models",
        pitfalls="Picks one of a group of correlated predictors almost at random",
        tuning="$\\lambda$ by cross-validation, often `lambda.1se`",
        link=GLMNET,
    ),
    Concept(
        name="the bias–variance trade-off",
        explanation=(
            "Expected test error splits into the variance of the fitted model, "
            "its squared bias and the irreducible noise. More flexible models "
            "lower the bias and raise the variance, which is why test error "
            "is U-shaped in flexibility."
        ),
        formula=(
            r"\mathbb{E}\left[(y_0 - \hat{f}(x_0))^2\right] = "
            r"\operatorname{Var}(\hat{f}(x_0)) + "
            r"\left[\operatorname{Bias}(\hat{f}(x_0))\right]^2 + "
            r"\operatorname{Var}(\varepsilon)"
        ),
        symbol=r"\hat{f}",
        symbol_role="the fitted model",
        strengths="Explains why test error is U-shaped",
        pitfalls="The decomposition is for squared error only",
        tuning="Pick flexibility on held-out data",
        link=Link("the week 2 notes", f"{NOTES}/week-2"),
    ),
    Concept(
        name="k-fold cross-validation",
        explanation=(
            "Split the data into $k$ folds, fit on $k-1$ of them and measure the "
            "error on the one left out, then average over the folds. It uses "
            "every observation for validation exactly once."
        ),
        formula=r"\mathrm{CV}_{(k)} = \frac{1}{k} \sum_{i=1}^{k} \mathrm{MSE}_i",
        symbol="k",
        symbol_role="the number of folds",
        strengths="Honest error estimates from one dataset",
        pitfalls="Leaks if preprocessing sees all folds",
        tuning="$k$ of 5 or 10 is usual",
        link=SKLEARN_CV,
    ),
    Concept(
        name="logistic regression",
        explanation=(
            "Logistic regression models the log-odds of the positive class as a "
            "linear function of the predictors and is fitted by maximum "
            "likelihood. A coefficient is the change in log-odds for a one-unit "
            "change in its predictor, holding the others fixed."
        ),
        formula=(
            r"\log \frac{p(x)}{1 - p(x)} = \beta_0 + \beta_1 x_1 + \cdots + "
            r"\beta_p x_p"
        ),
        symbol=r"\beta_1",
        symbol_role="the change in log-odds per unit of $x_1$",
        strengths="Calibrated probabilities, easy to explain",
        pitfalls="Separable classes make coefficients explode",
        tuning="Regularise with `C` in scikit-learn",
        link=SKLEARN_LINEAR,
    ),
    Concept(
        name="the bootstrap",
        explanation=(
            "The bootstrap estimates the variability of a statistic by "
            "recomputing it on many samples drawn *with replacement* from the "
            "data. The spread of those estimates stands in for the sampling "
            "distribution we cannot observe."
        ),
        formula=(
            r"\widehat{\mathrm{SE}}_B(\hat{\theta}) = \sqrt{\frac{1}{B-1} "
            r"\sum_{b=1}^{B} \left(\hat{\theta}^{*b} - \bar{\theta}^{*}\right)^2}"
        ),
        symbol="B",
        symbol_role="the number of resamples",
        strengths="Standard errors for almost any statistic",
        pitfalls="Fails for extremes such as the maximum",
        tuning="$B$ of 1,000 or more for intervals",
        link=Link(
            "NumPy's random generator",
            "https://numpy.org/doc/stable/reference/random/generator.html",
        ),
    ),
    Concept(
        name="linear discriminant analysis",
        explanation=(
            "LDA models each class as a Gaussian with its own mean and a shared "
            "covariance matrix, then classifies with Bayes' rule. The shared "
            "covariance is what makes the decision boundaries linear."
        ),
        formula=(
            r"\delta_k(x) = x^\top \Sigma^{-1} \mu_k - \frac{1}{2} \mu_k^\top "
            r"\Sigma^{-1} \mu_k + \log \pi_k"
        ),
        symbol=r"\Sigma",
        symbol_role="the shared covariance matrix",
        strengths="Works well with few observations per class",
        pitfalls="Assumes equal covariances across classes",
        tuning="Little to tune; shrink $\\Sigma$ if $p$ is large",
        link=Link(
            "scikit-learn's LDA and QDA guide",
            "https://scikit-learn.org/stable/modules/lda_qda.html",
        ),
    ),
    Concept(
        name="smoothing splines",
        explanation=(
            "A smoothing spline is the function that best fits the data while "
            "paying a price for roughness, measured by the integrated squared "
            "second derivative. The solution turns out to be a natural cubic "
            "spline with a knot at every observation."
        ),
        formula=(
            r"\sum_{i=1}^{n} \left(y_i - g(x_i)\right)^2 + "
            r"\lambda \int g''(t)^2 \, dt"
        ),
        symbol=r"\lambda",
        symbol_role="the roughness penalty",
        strengths="Flexible curves without choosing knots",
        pitfalls="Effective degrees of freedom are easy to misread",
        tuning="$\\lambda$ by leave-one-out CV",
        link=Link("the week 6 notes", f"{NOTES}/week-6"),
    ),
    Concept(
        name="random forests",
        explanation=(
            "A random forest averages many deep trees, each grown on a bootstrap "
            "sample and allowed to split on only a random subset of $m$ "
            "predictors at each node. Restricting the splits decorrelates the "
            "trees, so the average has much lower variance than bagging alone."
        ),
        formula=r"\hat{f}_{\text{rf}}(x) = \frac{1}{B} \sum_{b=1}^{B} \hat{f}^{*b}(x)",
        symbol="m",
        symbol_role="the number of predictors tried at each split",
        strengths="Strong default with little tuning",
        pitfalls="Impurity importances favour high-cardinality features",
        tuning="$m$ around $\\sqrt{p}$ for classification",
        link=Link(
            "scikit-learn's ensemble guide",
            "https://scikit-learn.org/stable/modules/ensemble.html",
        ),
    ),
    Concept(
        name="gradient boosting",
        explanation=(
            "Boosting grows small trees one after another, each fitted to the "
            "residuals (more generally, the negative gradient) of the current "
            "model, and adds a shrunken copy of it. Learning slowly is the point."
        ),
        formula=r"\hat{f}(x) \leftarrow \hat{f}(x) + \nu \, h_m(x)",
        symbol=r"\nu",
        symbol_role="the learning rate",
        strengths="Often the most accurate on tabular data",
        pitfalls="Overfits if you add trees without early stopping",
        tuning="Small $\\nu$, early stopping on a validation set",
        link=Link(
            "scikit-learn's ensemble guide",
            "https://scikit-learn.org/stable/modules/ensemble.html",
        ),
    ),
    Concept(
        name="principal component analysis",
        explanation=(
            "PCA finds orthogonal directions of maximal variance. The first "
            "component is the normalised linear combination of the features "
            "with the largest variance; each later one does the same subject "
            "to being uncorrelated with those before it."
        ),
        formula=(
            r"Z_1 = \phi_{11} X_1 + \phi_{21} X_2 + \cdots + \phi_{p1} X_p, "
            r"\quad \sum_{j=1}^{p} \phi_{j1}^2 = 1"
        ),
        symbol=r"\phi_{j1}",
        symbol_role="the loadings of the first component",
        strengths="Compresses correlated features",
        pitfalls="Results depend on scaling",
        tuning="Number of components from a scree plot or CV",
        link=Link(
            "scikit-learn's decomposition guide",
            "https://scikit-learn.org/stable/modules/decomposition.html",
        ),
    ),
    Concept(
        name="k-means clustering",
        explanation=(
            "k-means partitions the observations into $K$ clusters so that the "
            "total within-cluster variation is as small as possible. The usual "
            "algorithm only finds a local optimum, so it is run from many "
            "random starts."
        ),
        formula=(
            r"\min_{C_1, \ldots, C_K} \sum_{k=1}^{K} \frac{1}{|C_k|} "
            r"\sum_{i, i' \in C_k} \lVert x_i - x_{i'} \rVert^2"
        ),
        symbol="K",
        symbol_role="the number of clusters",
        strengths="Fast and simple",
        pitfalls="Assumes round clusters of similar size",
        tuning="Several random starts; $K$ from the elbow or silhouette",
        link=Link(
            "scikit-learn's clustering guide",
            "https://scikit-learn.org/stable/modules/clustering.html",
        ),
    ),
    Concept(
        name="support vector machines",
        explanation=(
            "The support vector classifier looks for the widest margin between "
            "the classes while allowing a budget of violations. Only the points "
            "on or inside the margin, the support vectors, determine the "
            "boundary; kernels make it non-linear."
        ),
        formula=(
            r"\max_{\beta, \beta_0, M} M \quad \text{subject to} \quad "
            r"y_i(\beta_0 + x_i^\top \beta) \ge M(1 - \epsilon_i), \quad "
            r"\sum_{i} \epsilon_i \le C"
        ),
        symbol="C",
        symbol_role="the budget for margin violations",
        strengths="Good with many features and few rows",
        pitfalls="No probabilities without extra calibration",
        tuning="$C$ and the kernel width by CV",
        link=Link(
            "scikit-learn's SVM guide",
            "https://scikit-learn.org/stable/modules/svm.html",
        ),
    ),
    Concept(
        name="maximum likelihood estimation",
        explanation=(
            "Maximum likelihood picks the parameter values under which the "
            "observed data are most probable. In practice we maximise the "
            "log-likelihood, which turns products into sums."
        ),
        formula=r"\hat{\theta} = \underset{\theta}{\operatorname{argmax}} \sum_{i=1}^{n} \log f(y_i \mid \theta)",
        symbol=r"\theta",
        symbol_role="the parameters of the model",
        strengths="Efficient and principled",
        pitfalls="Can overfit with many parameters",
        tuning="Nothing to tune; regularise if needed",
        link=Link("the week 3 notes", f"{NOTES}/week-3"),
    ),
)

PROBLEMS = (
    CodeProblem(
        short="Cross-validation score much higher than the test score",
        language="python",
        code=(
            "from sklearn.linear_model import LogisticRegression\n"
            "from sklearn.model_selection import cross_val_score\n"
            "from sklearn.preprocessing import StandardScaler\n"
            "\n"
            "X_scaled = StandardScaler().fit_transform(X)\n"
            "scores = cross_val_score(LogisticRegression(), X_scaled, y, cv=5)\n"
            "print(scores.mean())  # 0.97 here, but 0.81 on the test set\n"
        ),
        symptom=(
            "My cross-validated accuracy is far higher than what I get on the "
            "held-out test set, and I can't see where the gap comes from."
        ),
        cause=(
            "The scaler sees the whole dataset before the folds are split, so "
            "each validation fold has leaked into the preprocessing. Put the "
            "scaler inside a pipeline so it is refitted on every training fold:"
        ),
        fix=(
            "from sklearn.pipeline import make_pipeline\n"
            "\n"
            "model = make_pipeline(StandardScaler(), LogisticRegression())\n"
            "scores = cross_val_score(model, X, y, cv=5)\n"
        ),
        tip=(
            "Anything learned from data (scaling, imputation, feature "
            "selection) belongs inside the pipeline."
        ),
        link=SKLEARN_PITFALLS,
    ),
    CodeProblem(
        short="LogisticRegression says lbfgs failed to converge",
        language="python",
        code=(
            'clf = LogisticRegression(penalty="l2", C=100)\nclf.fit(X_train, y_train)\n'
        ),
        output=(
            "ConvergenceWarning: lbfgs failed to converge (status=1):\n"
            "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT.\n"
        ),
        symptom="The accuracy looks fine, but I'm not sure I can trust the model.",
        cause=(
            "Your features are on very different scales, so the optimiser "
            "takes tiny steps and runs out of iterations. Standardise first, "
            "and raise `max_iter` if it still complains:"
        ),
        fix=(
            "clf = make_pipeline(\n"
            "    StandardScaler(),\n"
            "    LogisticRegression(C=100, max_iter=1000),\n"
            ")\n"
            "clf.fit(X_train, y_train)\n"
        ),
        tip=(
            "A large `C` means a weak penalty, which also makes the problem "
            "harder to solve: check you really need it."
        ),
        link=SKLEARN_LINEAR,
    ),
    CodeProblem(
        short="Different lambda from cv.glmnet on every run",
        language="r",
        code=(
            "library(glmnet)\n"
            "x <- model.matrix(price ~ ., data = train)[, -1]\n"
            "fit <- cv.glmnet(x, train$price, alpha = 1)\n"
            "fit$lambda.min\n"
        ),
        output="[1] 0.0412\n# next run: 0.0376, then 0.0459\n",
        symptom="So my selected variables change every time I knit the report.",
        cause=(
            "The folds are assigned at random, so each run cross-validates on a "
            "different split. Fix the folds so the result is reproducible, and "
            "consider `lambda.1se`, which moves much less:"
        ),
        fix=(
            "set.seed(2026)\n"
            "folds <- sample(rep(1:10, length.out = nrow(x)))\n"
            "fit <- cv.glmnet(x, train$price, alpha = 1, foldid = folds)\n"
            'coef(fit, s = "lambda.1se")\n'
        ),
        tip="Report which folds you used so a marker can reproduce your numbers.",
        link=GLMNET,
    ),
    CodeProblem(
        short="Error 'factor has new levels' from predict()",
        language="r",
        code=(
            "fit <- lm(rent ~ area + borough, data = train)\n"
            "predict(fit, newdata = test)\n"
        ),
        output=(
            "Error in model.frame.default(Terms, newdata, na.action = na.action,"
            " xlev = object$xlevels) :\n"
            "  factor borough has new levels Hackney\n"
        ),
        symptom="Training works, prediction doesn't.",
        cause=(
            "The test set contains a level of `borough` that never appears in "
            "the training data, so the model has no coefficient for it. Decide "
            "what it should mean; often the answer is to lump rare levels "
            "together *before* splitting:"
        ),
        fix=(
            "library(forcats)\n"
            "homes$borough <- fct_lump_min(homes$borough, min = 20)\n"
            "# then split into train and test as before\n"
        ),
        tip="Check `table(train$borough)` first: a level with two rows is noise anyway.",
        link=Link("the forcats documentation", "https://forcats.tidyverse.org/"),
    ),
    CodeProblem(
        short="Different k-means clusters on every run",
        language="python",
        code=(
            "from sklearn.cluster import KMeans\n"
            "\n"
            "labels = KMeans(n_clusters=4).fit_predict(X)\n"
        ),
        symptom=(
            "Every time I rerun the notebook the labels change, and sometimes "
            "the clusters themselves look different."
        ),
        cause=(
            "k-means starts from random centroids and only finds a local "
            "optimum. Use several starts and a fixed seed; the label numbers "
            "are arbitrary, so compare clusterings with the adjusted Rand "
            "index rather than label by label:"
        ),
        fix=(
            "from sklearn.metrics import adjusted_rand_score\n"
            "\n"
            "km = KMeans(n_clusters=4, n_init=20, random_state=0).fit(X)\n"
            "print(km.inertia_)\n"
            "print(adjusted_rand_score(labels, km.labels_))\n"
        ),
        tip="Scale the features first, or the one in the largest units decides everything.",
        link=Link(
            "scikit-learn's clustering guide",
            "https://scikit-learn.org/stable/modules/clustering.html",
        ),
    ),
    CodeProblem(
        short="Bootstrap loop is painfully slow",
        language="python",
        code=(
            "estimates = []\n"
            "for b in range(10_000):\n"
            "    sample = df.sample(frac=1, replace=True)\n"
            '    estimates.append(sample["income"].median())\n'
        ),
        symptom="This takes minutes for 10,000 resamples. Is there a faster way?",
        cause=(
            "Most of the time goes into building a new DataFrame on every "
            "iteration. Draw all the indices at once with NumPy and work on "
            "the array:"
        ),
        fix=(
            "import numpy as np\n"
            "\n"
            "rng = np.random.default_rng(2026)\n"
            'values = df["income"].to_numpy()\n'
            "idx = rng.integers(0, len(values), size=(10_000, len(values)))\n"
            "estimates = np.median(values[idx], axis=1)\n"
            "se = estimates.std(ddof=1)\n"
        ),
        tip=(
            "With 10,000 rows that index array needs about 800 MB; do it in "
            "chunks of 1,000 resamples if memory is tight."
        ),
        link=Link(
            "NumPy's random generator",
            "https://numpy.org/doc/stable/reference/random/generator.html",
        ),
    ),
    CodeProblem(
        short="Random train/test split in SQL is not reproducible",
        language="sql",
        code=(
            "-- training rows\n"
            "SELECT * FROM listings ORDER BY random() LIMIT 8000;\n"
            "-- test rows\n"
            "SELECT * FROM listings ORDER BY random() OFFSET 8000;\n"
        ),
        symptom=(
            "Some listings end up in both sets, and I get different rows every "
            "time I run it."
        ),
        cause=(
            "`random()` is drawn again for every query, so the two queries "
            "don't agree with each other. Draw the split once, store it, and "
            "join on it:"
        ),
        fix=(
            "CREATE TABLE listing_split AS\n"
            "SELECT listing_id,\n"
            "       CASE WHEN random() < 0.8 THEN 'train' ELSE 'test' END AS split\n"
            "FROM listings;\n"
            "\n"
            "SELECT l.*\n"
            "FROM listings AS l\n"
            "JOIN listing_split AS s USING (listing_id)\n"
            "WHERE s.split = 'train';\n"
        ),
        tip="Export `listing_split` with your submission so the split is reproducible.",
        link=Link(
            "PostgreSQL's CREATE TABLE AS",
            "https://www.postgresql.org/docs/current/sql-createtableas.html",
        ),
    ),
)

FAQS = (
    Faq(
        title="Is the final exam open book?",
        question=(
            "The handbook says the exam is 'in person', but not whether we can "
            "bring notes. Does anyone know?"
        ),
        answer=(
            "It's closed book, but you may bring **one A4 sheet** of your own "
            "notes, handwritten or typed, both sides. A formula sheet with the "
            "distributions you need is printed at the back of the paper."
        ),
        category="exam-prep",
    ),
    Faq(
        title="Can we use Python instead of R for the problem sets?",
        question=(
            "The templates are R Markdown, but I'm much faster in Python. "
            "Would a Jupyter notebook be accepted?"
        ),
        answer=(
            "Yes. Submit a notebook exported to PDF **and** the `.ipynb` file, "
            "and make sure every figure has labelled axes. The marking scheme "
            "is the same for both languages."
        ),
        category="problem-sets",
    ),
    Faq(
        title="How much of the textbook derivations do we need for the exam?",
        question=(
            "Some chapters have pages of algebra. Are we expected to reproduce "
            "those, or just know the results?"
        ),
        answer=(
            "Know the results and when they apply, and be able to interpret "
            "every symbol. Derivations that appear on the slides are fair game; "
            "the longer ones only in the book are not."
        ),
        category="exam-prep",
    ),
    Faq(
        title="Late submission of a problem set",
        question=(
            "I was ill this week and will miss Friday's deadline. Who do I "
            "tell, and is there a penalty?"
        ),
        answer=(
            "Sorry to hear that. Apply for an extension through the student "
            "portal; you don't need to tell us the details here. With an "
            "approved extension there is no penalty."
        ),
        category="problem-sets",
    ),
)

ANNOUNCEMENTS = (
    Announcement(
        title_template="Welcome to Statistical Learning",
        body_template=(
            "Welcome, everyone! A few things to get you started:\n"
            "\n"
            "1. Lectures are on **Mondays, 10:00–12:00** in the Hopper Theatre "
            "and are recorded.\n"
            "2. Problem sets come out on Fridays and are due ten days later.\n"
            "3. Ask questions here rather than by email, so everyone benefits. "
            "If you'd rather not show your name, use the *Exam prep* category, "
            "which allows anonymous posts.\n"
            "\n"
            "The reading list and notes live on the "
            "[course page](https://example.org/msc-ds/statistical-learning)."
        ),
        is_pinned=True,
    ),
    Announcement(
        title_template="Problem set {week} is out",
        body_template=(
            "Problem set {week} is now on the course page. It covers the "
            "material from the last two lectures.\n"
            "\n"
            "| Part | Topic | Marks |\n"
            "| --- | --- | ---: |\n"
            "| A | Resampling by hand | 30 |\n"
            "| B | Regularised regression in R or Python | 50 |\n"
            "| C | Short written interpretation | 20 |\n"
            "\n"
            "Deadline: **{date}, 17:00**."
        ),
    ),
    Announcement(
        title_template="Office hours moved this week",
        body_template=(
            "This week's office hours move to **{date}, 14:00–16:00**, room "
            "2.14. The drop-in on the forum continues as usual."
        ),
    ),
    Announcement(
        title_template="Exam format and past papers",
        body_template=(
            "The exam is two hours, four questions, answer all of them. Past "
            "papers with outline solutions are on the course page.\n"
            "\n"
            "> A good answer explains *why* a method behaves as it does, not "
            "only *what* it does.\n"
            "\n"
            "The revision lecture is on {date}."
        ),
        is_pinned=True,
    ),
    Announcement(
        title_template="Marks for problem set {week} released",
        body_template=(
            "Marks and feedback for problem set {week} are in the gradebook. "
            "The median was 71. Common issues:\n"
            "\n"
            "- choosing $\\lambda$ on the test set instead of by cross-validation;\n"
            "- plots without axis labels;\n"
            "- interpreting coefficients without saying what is held fixed."
        ),
    ),
)

SUBJECT = Subject(
    session="Lecture",
    task="Problem set",
    concepts=CONCEPTS,
    problems=PROBLEMS,
    faqs=FAQS,
    announcements=ANNOUNCEMENTS,
    concept_titles=(
        "Intuition behind {concept}?",
        "Confused by the {concept} slide in {session}",
        "How do I choose the tuning parameter for {concept}?",
        "Does {concept} need standardised predictors?",
        "Can someone sanity-check my understanding of {concept}?",
        "{Concept} behaves oddly on a tiny dataset",
        "Exam question on {concept} from last year",
        "What does 'flexible' mean for {concept}?",
        "Reading the output of {concept} in R",
        "Why does {concept} work at all?",
        "{Concept}: where does the formula come from?",
        "Interpreting {concept} for a non-technical reader",
    ),
    compare_titles=(
        "{Concept} vs {other}: when would you pick which?",
        "How is {concept} related to {other}?",
        "{Concept} or {other} for problem set question 3?",
    ),
    problem_titles=(
        "{Short}",
        "{task}: {short}",
        "Help: {short}",
        "{Short} — what am I missing?",
    ),
    discussions=(
        Discussion(
            "Share your favourite visualisation of {concept}",
            "Pictures helped me more than formulas this term. What's the best "
            "plot or animation you've seen of {concept}? Links welcome.",
            "share",
        ),
        Discussion(
            "Is {concept} still used in industry?",
            "Genuine question: when people do this for a living, do they still "
            "use {concept}, or has everything moved to deep learning? I'd love "
            "to hear from the mentors especially.",
            "concept",
        ),
        Discussion(
            "Mock exam question swap",
            "Anyone want to write one mock exam question each and swap? I'll "
            "write one on {concept}. We could meet to go through them after.",
            "meetup",
            "exam-prep",
        ),
    ),
    tips=(
        "Always compare against a simple baseline before tuning anything.",
        "Plot the validation curve: the shape tells you more than the minimum.",
        "Standardise predictors before penalising them, or the penalty is unfair.",
        "Fix a random seed whenever folds or resamples are involved.",
        "Keep the test set locked away until the very end.",
        "Report the spread across folds, not only the mean.",
    ),
    concept_categories=("lectures", "lectures", "exam-prep", "general"),
    problem_categories=("problem-sets", "problem-sets", "general"),
    discussion_categories=("general", "general", "lectures", "exam-prep"),
)
