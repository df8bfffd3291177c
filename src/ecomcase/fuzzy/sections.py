"""The sections of notebook 04, one method each.

:meth:`Evaluation.start` reads the case's index system, weights and memberships
and the notebook's settings; each section method records its figures, tables
and numbers on the notebook's :class:`~ecomcase.build.outputs.Outputs` and
returns what the notebook shows. A case without an evaluation gets an
:class:`Absent` whose sections all show 'not available for this case', and the
skip is recorded once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from IPython.display import Markdown

from ecomcase.build.outputs import Outputs, Skipped
from ecomcase.display import Shown, display_table, label, operator_label
from ecomcase.fuzzy import case as fuzzy_case
from ecomcase.fuzzy import core as fuzzy
from ecomcase.fuzzy import plots as fuzzy_plots
from ecomcase.fuzzy import sensitivity as sens

TITLE = "Fuzzy comprehensive evaluation"

SECTIONS = (
    "inputs",
    "evaluation",
    "operators",
    "stated_vectors",
    "one_at_a_time",
    "monte_carlo",
    "bootstrap",
)


def largest_grades(grades: Sequence[str], vector: Sequence[float]) -> str:
    """The grade of largest membership; every tied grade, joined by '; '."""
    top = max(vector)
    return "; ".join(
        g for g, b in zip(grades, vector, strict=True) if math.isclose(b, top, abs_tol=1e-12)
    )


@dataclass
class Absent:
    """The case has no evaluation: every section shows the reason."""

    skipped: Skipped

    def __getattr__(self, name: str) -> Any:
        if name in SECTIONS:
            return lambda: self.skipped
        raise AttributeError(name)


@dataclass
class Evaluation:
    """One case's evaluation under the notebook's settings."""

    out: Outputs
    setup: fuzzy_case.FuzzySetup
    operator: str
    settings: dict[str, Any]
    stated: float | None
    reproduces: dict[str, str | None]
    found: dict[str, Any] = field(default_factory=dict)  # results later sections reuse

    @classmethod
    def start(cls, out: Outputs, **settings: Any) -> Evaluation | Absent:
        """Read the case's evaluation; ``settings`` are the notebook's parameters
        as resolved by :meth:`Outputs.settings`."""
        absent = fuzzy_case.absent_reason(out.paths.processed)
        if absent:
            return Absent(out.skip("fuzzy_evaluation", TITLE, absent))
        resolved = dict(settings)
        operator = resolved.pop("operator")
        fuzzy.check_operator(operator)
        setup = fuzzy_case.load(
            out.paths.processed,
            resolved["criterion_weights"],
            resolved["sub_weights"],
            resolved["grade_scores"],
        )
        stated = resolved["stated_score"]
        stated = fuzzy_case.stated_score(out.case) if stated is None else float(stated)
        out.record(
            [
                (
                    "fuzzy_criteria_count",
                    len(setup.system.criteria),
                    "criteria",
                    "criteria in the index system",
                ),
                (
                    "fuzzy_subcriteria_count",
                    len(setup.system.sub_criteria),
                    "sub-criteria",
                    "sub-criteria in the index system",
                ),
                ("fuzzy_grades_count", len(setup.grades), "grades", "grades in the evaluation set"),
            ],
            decimals=0,
        )
        reproduces = fuzzy_case.source_tables(resolved["source_tables"])
        return cls(out, setup, operator, resolved, stated, reproduces)

    # -- helpers -------------------------------------------------------------
    @property
    def threshold(self) -> float:
        """``good_threshold`` from the params, else the case's second-best grade's score."""
        stated = self.settings["good_threshold"]
        if stated is None:
            return fuzzy_case.default_threshold(self.setup)
        return float(stated)

    @property
    def vector_label(self) -> str:
        return sens.vector_label(self.setup.grade_scores)

    @property
    def operator_name(self) -> str:
        return operator_label(self.operator)

    def note(self, resource: str, weights: bool = False) -> str:
        """A figure's source line: the membership degrees (and the weights)."""
        text = self.out.source_note(resource, len(self.setup.index), "sub-criteria")
        if weights:
            where = self.reproduces.get("weights")
            text += f"; weights: params/{self.out.case}.yaml" + (f" ({where})" if where else "")
        return text

    # -- sections ------------------------------------------------------------
    def inputs(self) -> Shown:
        """The index system, the weights and the membership degrees."""
        out, setup = self.out, self.setup
        out.table(
            "fuzzy_index_system",
            setup.index_table(),
            "Evaluation index system: criteria and sub-criteria",
            self.reproduces["index"],
        )
        out.table(
            "fuzzy_weights",
            setup.weights_table(),
            "Weights of the criteria and of the sub-criteria within each criterion",
            self.reproduces["weights"],
        )
        fig = fuzzy_plots.membership_heatmap(setup)
        out.figure(
            "fuzzy_membership",
            fig,
            "Membership degrees of each sub-criterion in each grade",
            self.reproduces["membership"],
            table=setup.membership_table(),
            note=self.note("fuzzy_membership"),
        )
        return Shown(
            display_table(setup.weights_table(), decimals=3),
            display_table(setup.membership_table(), decimals=3),
        )

    def evaluation(self) -> Shown:
        """Both levels of the evaluation under the notebook's operator."""
        out, setup = self.out, self.setup
        result = self.found["result"] = setup.evaluate(self.operator)
        out.table(
            "fuzzy_result",
            setup.result_table(result),
            f"First-level and comprehensive result vectors ({self.operator_name}) "
            f"with their scores under {self.vector_label}",
        )
        fig = fuzzy_plots.result_vectors(setup, result)
        out.figure(
            "fuzzy_comprehensive_vector",
            fig,
            f"Comprehensive result vector and first-level vectors ({self.operator_name})",
            note=self.note("fuzzy_membership", weights=True),
        )
        score = out.number(
            "fuzzy_score",
            result.score,
            "points",
            f"score under {self.vector_label} ({self.operator_name})",
            2,
        )
        grade = out.number(
            "fuzzy_grade",
            largest_grades(setup.grades, result.comprehensive),
            "",
            "grade of largest membership in the comprehensive vector (tied ones joined by '; ')",
        )
        out.number(
            "fuzzy_score_at_least_good",
            bool(result.score >= self.threshold),
            "",
            f"score >= {self.threshold:g}",
        )
        fuzzy_case.record(
            out,
            fuzzy_case.vector_numbers(
                "fuzzy_b", setup.grades, result.comprehensive, "comprehensive membership"
            ),
        )
        vector = ", ".join(f"{b:.4g}" for b in result.comprehensive)
        stated = f", against {self.stated:g} stated in the source" if self.stated else ""
        text = Markdown(
            f"With the {self.operator_name} operator the comprehensive vector is ({vector}) over "
            f"the grades {', '.join(label(g) for g in setup.grades)}. Its largest membership is "
            f"in **{' and '.join(label(g) for g in grade.split('; '))}**, "
            f"and under the grade scores {self.vector_label} it scores **{score:.2f}** "
            f"points{stated}."
        )
        return Shown(display_table(setup.result_table(result), decimals=4), text)

    def operators(self) -> Any:
        """Every operator under the case's and common grade-score vectors."""
        vectors = self.found["vectors"] = fuzzy_case.grade_score_vectors(
            self.setup, self.settings["alternative_grade_scores"]
        )
        table = self.found["by_operator"] = fuzzy_case.operators_table(self.setup, vectors)
        self.out.table(
            "fuzzy_operators",
            table,
            "Comprehensive vector, grade and score for each composition operator "
            "and grade-score vector",
        )
        fuzzy_case.record(self.out, fuzzy_case.operator_numbers(table, self.vector_label))
        shown = table.assign(operator=table["operator"].map(operator_label))
        return display_table(shown, decimals=2)

    def stated_vectors(self) -> Any:
        """The grade-score vectors that would turn the comprehensive vector into
        the stated score."""
        out = self.out
        title = "Grade-score vectors that give the stated score"
        if self.stated is None:
            return out.skip(
                "fuzzy_grade_vectors_for_stated",
                title,
                "the case's claims state no score for the evaluation",
            )
        table, vectors = self.found["by_operator"], self.found["vectors"]
        closest = fuzzy_case.closest_score(table, self.stated)
        out.number(
            "fuzzy_score_closest_to_stated",
            closest["score"],
            "points",
            f"of the scores in the operator table, the one nearest {self.stated:g} "
            f"({closest['operator']}, {closest['vector']})",
            2,
        )
        solutions = sens.grade_scores_for_score(self.found["result"].comprehensive, self.stated)
        solution_table, solution_vectors = fuzzy_case.grade_solutions_table(self.setup, solutions)
        out.table(
            "fuzzy_grade_vectors_for_stated",
            solution_table,
            f"Grade-score vectors that turn the comprehensive vector ({self.operator_name}) "
            f"into {self.stated:g} points",
        )
        fuzzy_case.record(out, fuzzy_case.solution_numbers(solutions, solution_vectors))
        return Markdown(
            f"Of the {len(table) * len(vectors)} operator and grade-vector combinations above, "
            f"the score nearest {self.stated:g} is **{closest['score']:.2f}** "
            f"({operator_label(closest['operator'])}, {closest['vector']}). Here "
            f"μ = {solutions.mean_steps:.4g}, and these grade-score vectors would give exactly "
            f"{self.stated:g}:\n\n"
            + fuzzy_case.solutions_markdown(solution_table, self.setup.grades)
        )

    def one_at_a_time(self) -> Shown:
        """Each weight moved down and up by the perturbation."""
        out, delta = self.out, self.settings["perturbation"]
        oat = sens.one_at_a_time(*self.setup.inputs, delta=delta, operator=self.operator)
        table = fuzzy_case.perturbation_table(self.setup, oat)
        fig = fuzzy_plots.tornado(table, oat.base_score, oat.delta, self.stated)
        out.figure(
            "fuzzy_tornado",
            fig,
            f"Score when one weight moves by {delta:g} ({self.operator_name})",
            table=table,
            note=self.note("fuzzy_membership", weights=True),
        )
        low = out.number(
            "fuzzy_oat_min",
            float(min(oat.score_low.min(), oat.score_high.min())),
            "points",
            f"lowest score with one weight moved by {delta:g}",
            2,
        )
        high = out.number(
            "fuzzy_oat_max",
            float(max(oat.score_low.max(), oat.score_high.max())),
            "points",
            f"highest score with one weight moved by {delta:g}",
            2,
        )
        top = table.iloc[0]
        text = Markdown(
            f"Moving any one weight by ±{delta:g} keeps the score between **{low:.2f}** and "
            f"**{high:.2f}** points; the largest swing, {top['swing']:.2f} points, comes from "
            f"{top['code']} ({top['name']})."
        )
        return Shown(text, display_table(table, decimals=2))

    def monte_carlo(self) -> Shown:
        """Weight groups drawn from Dirichlet distributions, under every operator."""
        out, s = self.out, self.settings
        draws, concentration = s["mc_draws"], s["dirichlet_concentration"]
        level, threshold = s["interval_level"], self.threshold
        mc = sens.weight_monte_carlo_by_operator(
            *self.setup.inputs,
            concentration=concentration,
            draws=draws,
            seed=out.params["seed"],
            operators=fuzzy.OPERATORS,
        )
        table = fuzzy_case.distribution_table(mc, threshold, level, "operator")
        fig = fuzzy_plots.score_distributions(
            mc,
            threshold,
            f"Score over {draws:,} weight draws (Dirichlet, concentration {concentration:g})",
            fuzzy_case.threshold_label(self.setup, threshold),
            stated=self.stated,
            names={op: operator_label(op) for op in mc},
        )
        out.figure(
            "fuzzy_monte_carlo",
            fig,
            "Score distribution under random weights, by operator",
            table=table,
            note=self.note("fuzzy_membership", weights=True),
        )
        fuzzy_case.record(
            out,
            fuzzy_case.distribution_numbers(
                "fuzzy_mc",
                mc[self.operator],
                threshold,
                level,
                f"{draws} Dirichlet weight draws ({self.operator})",
            ),
        )
        fuzzy_case.record(
            out,
            [
                (
                    f"fuzzy_mc_p_good_{op}",
                    dist.probability_at_least(threshold),
                    "share",
                    f"share of weight draws scoring >= {threshold:g} ({op})",
                    4,
                )
                for op, dist in mc.items()
            ],
        )
        low, high = mc[self.operator].interval(level)
        shares = ", ".join(
            f"{operator_label(op)} {dist.probability_at_least(threshold):.1%}"
            for op, dist in mc.items()
        )
        text = Markdown(
            f"With the {self.operator_name} operator, {level:.0%} of the weight draws score "
            f"between **{low:.2f}** and **{high:.2f}**; "
            f"{mc[self.operator].probability_at_least(threshold):.1%} score at least "
            f"{threshold:g}. Across operators that share is {shares}."
        )
        return Shown(text, display_table(table, decimals=2))

    def bootstrap(self) -> Any:
        """The expert panel's votes drawn again (multinomial)."""
        out, s, setup = self.out, self.settings, self.setup
        implied = out.number(
            "fuzzy_implied_panel_size",
            setup.implied_panel_size(),
            "experts",
            "smallest panel whose vote counts give the membership degrees",
            0,
        )
        panel = s["panel_size"]
        panel = fuzzy_case.stated_panel_size(out.case) if panel is None else panel
        if panel is not None:
            out.number(
                "fuzzy_membership_fits_stated_panel",
                fuzzy.is_panel_consistent(setup.membership, panel),
                "",
                f"every membership degree is a whole number of votes out of {panel}",
            )
        panels = fuzzy_case.bootstrap_panels(panel, implied)
        title = "Score distribution over resampled expert panels"
        if not panels:
            return out.skip(
                "fuzzy_panel_bootstrap",
                title,
                "no panel size is stated and none is implied by the degrees",
            )
        draws, level, threshold = s["bootstrap_draws"], s["interval_level"], self.threshold
        boot = {
            name: sens.panel_bootstrap(
                *setup.inputs,
                panel_size=size,
                draws=draws,
                seed=out.params["seed"],
                operator=self.operator,
            )
            for name, size in panels.items()
        }
        main_label, main_size = next(iter(panels.items()))
        table = fuzzy_case.distribution_table(boot, threshold, level, "panel")
        fig = fuzzy_plots.score_distributions(
            boot,
            threshold,
            f"Score over {draws:,} resampled expert panels ({self.operator_name})",
            fuzzy_case.threshold_label(setup, threshold),
            stated=self.stated,
        )
        out.figure(
            "fuzzy_panel_bootstrap",
            fig,
            title,
            table=table,
            note=self.note("fuzzy_membership", weights=True),
        )
        out.number(
            "fuzzy_bootstrap_panel_size",
            main_size,
            "experts",
            "panel size resampled in the bootstrap",
            0,
        )
        fuzzy_case.record(
            out,
            fuzzy_case.distribution_numbers(
                "fuzzy_bootstrap",
                boot[main_label],
                threshold,
                level,
                f"{draws} resampled panels of {main_size} ({self.operator})",
            ),
        )
        low, high = boot[main_label].interval(level)
        differs = implied is not None and panel is not None and implied != panel
        text = Markdown(
            f"Resampling a {main_label}, {level:.0%} of the panels give a score between "
            f"**{low:.2f}** and **{high:.2f}**; "
            f"{boot[main_label].probability_at_least(threshold):.1%} score at least "
            f"{threshold:g}. "
            + (
                f"The degrees are whole vote counts of a panel of {implied}, not of {panel}."
                if differs
                else ""
            )
        )
        return Shown(text, display_table(table, decimals=2))
