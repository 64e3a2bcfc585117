"""Provides a scale definition as lines a person reads (``hecht scales show``)."""

from __future__ import annotations

from hecht.scales.answers import item_score
from hecht.scales.change import clinical_cutoff
from hecht.scales.library import LibraryEntry
from hecht.scales.model import (
    Band,
    Direction,
    MissingPolicy,
    MissingRule,
    Norm,
    Rounding,
    ScaleDefinition,
)
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import formatter


def number(value: float, messages: Messages, digits: int = 2) -> str:
    """A score or parameter as the language writes it: whole numbers without decimals, others
    with at most ``digits`` (13,5 in Dutch, 13.5 in English)."""
    return formatter(messages.language).number(value, digits)


def _source(text: str | None) -> str:
    return f" [{text}]" if text else ""


def item_lines(definition: ScaleDefinition, messages: Messages) -> list[str]:
    """Each item with its label, licensed text where present, and its codes."""
    language = messages.language
    lines = [messages("show.items", count=len(definition.items))]
    for item in definition.items:
        flags = [messages("show.reverse")] if item.reverse else []
        flags += [] if item.scored else [messages("show.unscored")]
        shown_flags = f" ({', '.join(flags)})" if flags else ""
        lines.append(
            messages("show.item", id=item.id, label=item.label.get(language), flags=shown_flags)
        )
        if item.text is not None:
            lines.append(messages("show.item_text", text=item.text.get(language)))
        option_set = definition.option_set(item)
        if option_set.range is not None:
            bounds = option_set.range
            lines.append(
                messages(
                    "show.options_range",
                    low=number(bounds.min, messages),
                    high=number(bounds.max, messages),
                    step=number(bounds.step, messages),
                )
            )
            continue
        described = []
        for option in option_set.options or []:
            wording = item.option_text.get(option.code) or option.text
            label = wording.get(language) if wording else option.label.get(language)
            counted = item_score(definition, item, option.code)
            described.append(f"{option.code}={label} [{number(counted, messages)}]")
        lines.append(messages("show.options", options="; ".join(described)))
    return lines


def scoring_lines(definition: ScaleDefinition, messages: Messages) -> list[str]:
    """Method, range, direction, transform and the missing-item rule."""
    scoring = definition.scoring
    direction = messages(f"show.direction.{scoring.direction.value}")
    low, high = scoring.range
    transform = scoring.transform
    if transform is not None:
        low = (low - transform.add) / transform.multiply
        high = (high - transform.add) / transform.multiply
    if not scoring.total:
        return [
            messages(
                "show.scoring_subscales_only",
                method=messages(f"show.method.{scoring.method.value}"),
                direction=direction,
            ),
            *missing_lines(scoring.missing, messages),
        ]
    lines = [
        messages(
            "show.scoring",
            method=messages(f"show.method.{scoring.method.value}"),
            low=number(low, messages),
            high=number(high, messages),
            direction=direction,
        )
    ]
    if transform is not None:
        add = f" + {number(transform.add, messages)}" if transform.add else ""
        unit = f" {transform.unit.get(messages.language)}" if transform.unit else ""
        lines.append(
            messages(
                "show.transform",
                multiply=number(transform.multiply, messages),
                add=add,
                low=number(scoring.range[0], messages),
                high=number(scoring.range[1], messages),
                unit=unit,
            )
        )
    lines += missing_lines(scoring.missing, messages)
    return lines


def missing_lines(missing: MissingPolicy, messages: Messages) -> list[str]:
    """The missing-item rule in words, with its source."""
    lines: list[str] = []
    rounding = messages("show.rounding") if missing.rounding is Rounding.HALF_UP else ""
    if missing.source:
        rounding += f" [{missing.source}]"
    if missing.rule is MissingRule.INVALID:
        lines.append(messages("show.missing.invalid", rounding=rounding))
    elif missing.max_missing is not None:
        lines.append(
            messages(
                "show.missing.limited",
                rule=messages(f"show.rule.{missing.rule.value}"),
                max_missing=missing.max_missing,
                rounding=rounding,
            )
        )
    else:
        lines.append(
            messages(
                "show.missing.minimum",
                rule=messages(f"show.rule.{missing.rule.value}"),
                min_answered=missing.min_answered,
                rounding=rounding,
            )
        )
    return lines


def interpretation_lines(definition: ScaleDefinition, messages: Messages) -> list[str]:
    """Subscales, bands, the clinical cutoff and critical items."""
    language = messages.language
    lines: list[str] = []
    if definition.subscales:
        lines.append(messages("show.subscales"))
        for subscale in definition.subscales:
            lines.append(
                messages(
                    "show.subscale",
                    id=subscale.id,
                    label=subscale.label.get(language),
                    items=", ".join(subscale.items),
                    low=number(subscale.range[0], messages),
                    high=number(subscale.range[1], messages),
                )
            )
            if subscale.cutoff is not None:
                lines.append(
                    "  " + messages("show.subscale_cutoff", value=number(subscale.cutoff, messages))
                )
            lines.extend("  " + _band_line(band, messages) for band in subscale.bands)
    interpretation = definition.interpretation
    if interpretation.bands:
        lines.append(messages("show.bands"))
        lines.extend(_band_line(band, messages) for band in interpretation.bands)
    cutoff = clinical_cutoff(definition)
    if cutoff is not None:
        upper_is_healthy = definition.scoring.direction is Direction.HIGHER_IS_BETTER
        side = "show.cutoff.upper_functional" if upper_is_healthy else "show.cutoff.upper_clinical"
        source = (
            interpretation.cutoff_source
            if cutoff.method == "published"
            else messages("show.cutoff.computed", method=cutoff.method)
        )
        lines.append(
            messages(
                "show.cutoff",
                value=number(cutoff.value, messages),
                side=messages(side),
                source=_source(source),
            )
        )
    if interpretation.critical:
        lines.append(messages("show.critical"))
        for rule in interpretation.critical:
            lines.append(
                messages(
                    "show.critical_rule",
                    id=rule.id,
                    when=messages(f"show.critical.{rule.when.value}"),
                    items=", ".join(rule.items),
                    at_least=number(rule.at_least, messages),
                    level=messages(f"report.level.{rule.level.value}"),
                    message=rule.message.get(language),
                )
            )
    return lines


def _band_line(band: Band, messages: Messages) -> str:
    return messages(
        "show.band",
        low=number(band.min, messages),
        high=number(band.max, messages),
        label=band.label.get(messages.language),
    )


def _norm_line(kind: str, norm: Norm, messages: Messages) -> str:
    return messages(
        "show.norm",
        kind=messages(f"show.norm.{kind}"),
        mean=number(norm.mean, messages),
        sd=number(norm.sd, messages),
        n=f", n={norm.n}" if norm.n else "",
        source=_source(norm.source),
    )


def change_lines(definition: ScaleDefinition, messages: Messages) -> list[str]:
    """Reliable-change parameters and norms."""
    change = definition.change
    lines: list[str] = []
    if change is None:
        lines.append(messages("show.change.none"))
    elif change.reliable_change is not None:
        lines.append(
            messages(
                "show.change.published",
                value=number(change.reliable_change, messages),
                criterion=number(change.criterion, messages, 3),
                source=_source(change.source),
            )
        )
    else:
        lines.append(
            messages(
                "show.change.computed",
                sd=number(change.sd or 0, messages),
                reliability=number(change.reliability or 0, messages, 3),
                s_diff=number(change.s_diff, messages),
                value=number(change.criterion * change.s_diff, messages),
                criterion=number(change.criterion, messages, 3),
                source=_source(change.source),
            )
        )
    norms = definition.norms
    for kind in ("functional", "dysfunctional"):
        norm = getattr(norms, kind)
        if norm is not None:
            lines.append(_norm_line(kind, norm, messages))
    return lines


def written_for_lines(definition: ScaleDefinition, messages: Messages) -> list[str]:
    """The parent and the phase a scale is written for, when it names one (the MAAS, the PRFQ)."""
    if definition.parent is None and definition.phase is None:
        return []
    parent = messages(f"show.parent.{(definition.parent or 'either')}")
    phase = "" if definition.phase is None else ", " + messages(f"show.phase.{definition.phase}")
    return [messages("show.written_for", parent=parent, phase=phase)]


def describe_definition(entry: LibraryEntry, messages: Messages) -> list[str]:
    """Return the whole definition as lines a person reads."""
    definition = entry.definition
    language = messages.language
    lines = [
        messages(
            "show.title",
            short_name=definition.short_name,
            name=definition.name.get(language),
            version=definition.version,
        ),
        messages(
            "show.domain",
            domain=messages.get(f"domain.{definition.domain.value}", definition.domain.value),
            respondent=messages(f"respondent.{definition.respondent.value}"),
            timeframe=definition.timeframe.get(language) if definition.timeframe else "—",
        ),
        messages("show.origin", origin=messages(f"origin.{entry.origin.value}"), path=entry.path),
        *written_for_lines(definition, messages),
    ]
    if entry.wording_source:
        lines.append(messages("show.wording", source=entry.wording_source))
    if definition.instructions is not None:
        lines.append(messages("show.instructions", text=definition.instructions.get(language)))
    lines += ["", *item_lines(definition, messages), ""]
    lines += [*scoring_lines(definition, messages), *interpretation_lines(definition, messages)]
    lines += ["", *change_lines(definition, messages), ""]
    lines.append(messages("show.citation", text=definition.citation))
    lines.append(
        messages(
            "show.licence",
            licence_class=messages(f"licence.{definition.licence.class_.value}"),
            note=definition.licence.note,
        )
    )
    if definition.notes:
        lines.append(messages("show.notes", text=definition.notes))
    lines.append(messages("show.examples", count=len(definition.examples)))
    return lines
