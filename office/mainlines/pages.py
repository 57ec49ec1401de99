"""Page contexts that more than one module draws: the overview and a mainline's board and
timeline (the views, and mainlines/live.py when the stream redraws them), a mainline page's
common context, and the settings page (its own views and saving a plan template).
Imports rules, queries, forms and models; never views (they, and live.py, import this).
"""
from __future__ import annotations

from office import htmx
from office.access import me
from office.clock import office_date
from office.mainlines import access, queries
from office.mainlines.forms import EditMainlineForm, PhaseForm, TemplateForm
from office.models.mainlines import STATUS_ACTIVE, STATUSES, Mainline, Phase

TIMELINE_SIZE = 20


def overview_context(user, status: str | None = STATUS_ACTIVE) -> dict:
    """The overview's rows of ``status`` (an unknown one shows the active mainlines)."""
    status = status if status in STATUSES else STATUS_ACTIVE
    return {"rows": queries.overview(user, office_date(), status), "shown_status": status}


def board(mainline: Mainline) -> queries.Board:
    """The node board (columns, figures, overdue) as of the office's today."""
    return queries.board(mainline, office_date())


def timeline_context(mainline: Mainline, before: int | None = None) -> dict:
    """One page of the timeline, newest first, and the cursor for the next (None at the end)."""
    rows = list(queries.timeline(mainline, before, TIMELINE_SIZE + 1))
    return {"timeline": rows[:TIMELINE_SIZE],
            "timeline_more": rows[TIMELINE_SIZE - 1].id if len(rows) > TIMELINE_SIZE else None}


def mainline_context(mainline: Mainline, **context) -> dict:
    """What every page of one mainline needs (its header and tabs), plus ``context``."""
    return {"mainline": mainline, "my_role": access.role_in(me(), mainline), **context}


def settings_page(mainline: Mainline, form=None, phase_form=None, template_form=None, status=200,
                  phase_errors=None):
    """The settings page (``#mainline-settings`` for htmx): details, status, phases and saving
    the plan as a plan template, with whichever form was just refused."""
    phases = list(Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position, Phase.id))
    return htmx.render("mainlines/edit.html", partial="mainlines/_settings.html", status=status, **mainline_context(
        mainline, tab="edit", form=form or EditMainlineForm(obj=mainline), phase_form=phase_form or PhaseForm(
            formdata=None), phases=phases, phase_errors=phase_errors or {},
        template_form=template_form or TemplateForm(formdata=None)))
