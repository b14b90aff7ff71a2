"""The evaluation engine: proposals, limiters, caps, finals and what is still pending.

The rules come from the programme file; this module only knows the small, fixed
vocabulary of condition kinds (see `methodology.Condition`). Every cap is explained
in a sentence an inspector would write, with the figures behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from scrutiny.core.bundle import Bundle
from scrutiny.core.methodology import (
    AnyGroupAtOrBelow,
    AnySeriousFailing,
    Limiter,
    PendingRule,
    Programme,
    SampledGroupUnevaluated,
    ShareMoreThan,
    ShareUnjudged,
    TeamJudgement,
)
from scrutiny.core.statistics import (
    Share,
    compute_statistics,
    exact_threshold,
    level,
    sampled_care_groups,
)
from scrutiny.core.text import counted

ENGINE_VERSION = "1"


@dataclass(frozen=True)
class RuleCheck:
    """One limiter rule checked against the data, whether or not it applies."""

    rule: str
    title: str
    applies: bool
    cap: int
    detail: str
    # How far the figures are from the rule's threshold, where it has one.
    margin: str | None = None


@dataclass(frozen=True)
class IndicatorEvaluation:
    id: str
    title: str
    proposed: int | None
    cap: int | None
    final: int | None
    status: str  # "final", "pending" or "not proposed"
    checks: tuple[RuleCheck, ...]
    pending: tuple[str, ...]

    @property
    def limiters(self) -> tuple[RuleCheck, ...]:
        """The rules that apply."""
        return tuple(c for c in self.checks if c.applies)


@dataclass(frozen=True)
class Alert:
    """A figure against the alert level at which the team must make a judgement
    (a `share_at_least_unjudged` pending rule), in the words every screen shows."""

    indicator: str
    share: Share
    threshold: float
    judgement: str
    judged: bool

    @property
    def reached(self) -> bool:
        return self.share.reaches(self.threshold)

    def sentence(self) -> str:
        """'1 of 6 children ... (16.7%) say ...: below the 10% alert level'."""
        where = "at or above" if self.reached else "below"
        return f"{self.share.sentence()}: {where} the {level(self.threshold)} alert level"


@dataclass(frozen=True)
class Evaluation:
    programme: Programme
    indicators: dict[str, IndicatorEvaluation]
    statistics: dict[str, Share]
    sampled_groups: dict[str, int] = field(default_factory=dict)
    alerts: tuple[Alert, ...] = ()

    def alert_for(self, statistic: str) -> Alert | None:
        return next((a for a in self.alerts if a.share.statistic.id == statistic), None)

    def to_json(self) -> dict[str, Any]:
        """The `scrutiny evaluate --json` document (shared/spec/cli.md), plus `checks`."""
        name = self.programme.scale.name

        def point(value: int | None) -> str | None:
            return None if value is None else name(value)

        return {
            "programme": self.programme.id,
            "programme_version": self.programme.version,
            "engine_version": ENGINE_VERSION,
            "indicators": {
                ind.id: {
                    "title": ind.title,
                    "proposed": point(ind.proposed),
                    "cap": point(ind.cap),
                    "final": point(ind.final),
                    "status": ind.status,
                    "limiters": [
                        {"rule": c.rule, "cap": name(c.cap), "detail": c.detail}
                        for c in ind.limiters
                    ],
                    "pending": list(ind.pending),
                    "checks": [
                        {
                            "rule": c.rule,
                            "applies": c.applies,
                            "cap": name(c.cap),
                            "detail": c.detail,
                            "margin": c.margin,
                        }
                        for c in ind.checks
                    ],
                }
                for ind in self.indicators.values()
            },
            "statistics": {key: share.to_json() for key, share in self.statistics.items()},
        }


def evaluate(bundle: Bundle, programme: Programme) -> Evaluation:
    statistics = compute_statistics(bundle, programme)
    groups = sampled_care_groups(bundle)
    context = _Context(bundle, programme, statistics, groups)
    indicators = {}
    for evaluated in programme.evaluated:
        checks = tuple(
            context.check(rule) for rule in programme.limiters if rule.indicator == evaluated.id
        )
        pending = tuple(
            reason
            for rule in programme.pending
            if rule.indicator == evaluated.id
            for reason in context.pending_reasons(rule)
        )
        caps = [c.cap for c in checks if c.applies]
        cap = min(caps) if caps else None
        proposed = bundle.proposed_evaluations.get(evaluated.id)
        if proposed is None:
            status, final = "not proposed", None
        elif pending:
            status, final = "pending", None
        else:
            status, final = "final", min(proposed, cap) if cap is not None else proposed
        indicators[evaluated.id] = IndicatorEvaluation(
            evaluated.id, evaluated.title, proposed, cap, final, status, checks, pending
        )
    alerts = tuple(
        Alert(
            rule.indicator,
            statistics[rule.condition.statistic],
            rule.condition.threshold,
            rule.condition.judgement,
            rule.condition.judgement in bundle.team_judgements,
        )
        for rule in programme.pending
        if isinstance(rule.condition, ShareUnjudged)
    )
    return Evaluation(programme, indicators, statistics, groups, alerts)


@dataclass(frozen=True)
class _Context:
    bundle: Bundle
    programme: Programme
    statistics: dict[str, Share]
    sampled_groups: dict[str, int]

    def check(self, rule: Limiter) -> RuleCheck:
        cap = self._point(rule.cap)
        c = rule.condition
        if isinstance(c, AnySeriousFailing):
            return self._serious_failings(rule, cap)
        if isinstance(c, ShareMoreThan):
            return self._share_more_than(rule, cap, c)
        if isinstance(c, TeamJudgement):
            return self._team_judgement(rule, cap, c)
        if isinstance(c, AnyGroupAtOrBelow):
            return self._group_at_or_below(rule, cap, c)
        raise AssertionError(f"unhandled condition {c!r}")  # the programme schema forbids this

    def _point(self, name: str) -> int:
        value = self.programme.scale.parse(name)
        assert value is not None  # checked when the programme was loaded
        return value

    def _serious_failings(self, rule: Limiter, cap: int) -> RuleCheck:
        ids = [c.id for c in self.bundle.significant_concerns if c.serious_failing]
        if not ids:
            detail = "No significant concern is recorded as a serious failing"
        elif len(ids) == 1:
            detail = (
                f"1 significant concern ({ids[0]}) is recorded as a serious failing in "
                "systems, processes and practice in the protection of children"
            )
        else:
            detail = (
                f"{len(ids)} significant concerns ({', '.join(ids)}) are recorded as serious "
                "failings in systems, processes and practice in the protection of children"
            )
        return RuleCheck(rule.id, rule.title, bool(ids), cap, detail)

    def _share_more_than(self, rule: Limiter, cap: int, c: ShareMoreThan) -> RuleCheck:
        share = self.statistics[c.statistic]
        return RuleCheck(
            rule.id,
            rule.title,
            share.exceeds(c.threshold),
            cap,
            share.sentence(),
            _margin(share, exact_threshold(c.threshold), strictly=True),
        )

    def _team_judgement(self, rule: Limiter, cap: int, c: TeamJudgement) -> RuleCheck:
        judgement = next(j for j in self.programme.judgements if j.id == c.judgement)
        decided = self.bundle.team_judgements.get(c.judgement)
        figures = ""
        if judgement.statistic:
            figures = f": {self.statistics[judgement.statistic].sentence()}"
        if decided:
            detail = judgement.affirmed + figures
        elif decided is False:
            detail = "The team judged that the number is not concerning" + figures
        else:
            detail = "The team has not yet made this judgement" + figures
        return RuleCheck(rule.id, rule.title, bool(decided), cap, detail)

    def _group_at_or_below(self, rule: Limiter, cap: int, c: AnyGroupAtOrBelow) -> RuleCheck:
        limit = self._point(c.point)
        scale = self.programme.scale
        low = [(g, v) for g, v in self.bundle.group_evaluations.items() if v <= limit]
        if not low:
            evaluated = len(self.bundle.group_evaluations)
            detail = (
                f"No care group's wellbeing is evaluated {c.point} or less "
                f"({evaluated} of {len(self.programme.care_groups)} groups evaluated)"
            )
            return RuleCheck(rule.id, rule.title, False, cap, detail)
        listed = "; ".join(
            f"{self.programme.care_group_label(g).lower()}: {scale.name(v)}" for g, v in low
        )
        detail = f"The wellbeing of {counted(len(low), 'care group')} is evaluated {c.point} or less ({listed})"
        return RuleCheck(rule.id, rule.title, True, cap, detail)

    def pending_reasons(self, rule: PendingRule) -> list[str]:
        c = rule.condition
        if isinstance(c, ShareUnjudged):
            share = self.statistics[c.statistic]
            if share.reaches(c.threshold) and c.judgement not in self.bundle.team_judgements:
                return [
                    f"{share.sentence()}, at or above the {level(c.threshold)} alert level: "
                    "the team has not yet judged whether this is a concerning number"
                ]
            return []
        if isinstance(c, SampledGroupUnevaluated):
            missing = [
                f"{self.programme.care_group_label(g).lower()} ({counted(n, 'record')})"
                for g, n in self.sampled_groups.items()
                if g not in self.bundle.group_evaluations
            ]
            if missing:
                return [
                    "The record sample includes care groups whose wellbeing has not been "
                    f"evaluated: {', '.join(missing)}"
                ]
            return []
        raise AssertionError(f"unhandled pending condition {c!r}")


def _margin(share: Share, threshold: Fraction, *, strictly: bool) -> str | None:
    """How far the figures are from the threshold, in whole counted entries."""
    if not share.denominator:
        return None
    bound = threshold * share.denominator
    # The smallest count that crosses the line: more than the bound (or at least it).
    crossing = int(bound) + 1 if strictly or bound != int(bound) else int(bound)
    where = f"of these {share.denominator} {share.statistic.counted}"
    if share.count >= crossing:
        return f"it would stop applying with {share.count - crossing + 1} fewer {where}"
    return f"{crossing - share.count} more {where} would make it apply"
