"""Who may do what in an inspection: the one table every access check reads.

A permission not granted here is denied. Site administrators hold no membership role;
they manage inspections and teams but read no case data unless also made a member.
"""

from scrutiny.web.inspections.models import Role

# Reading the inspection's name, phase and team.
VIEW = "inspection.view"
# Progress figures and evaluations on the home page.
PROGRESS = "inspection.progress"
EDIT = "inspection.edit"
MANAGE_TEAM = "team.manage"
# Children's data: each view of it is written to the audit trail.
VIEW_RECORDS = "records.view"
VIEW_SURVEYS = "surveys.view"
VIEW_EVIDENCE = "evidence.view"
EDIT_EVIDENCE = "evidence.edit"
VIEW_AUDIT = "audit.view"
EXPORT_BUNDLE = "bundle.export"
# Evaluation and quality assurance (scrutiny.web.evaluations).
VIEW_EVALUATIONS = "evaluations.view"
PROPOSE = "evaluations.propose"
# Record the meeting's agreement and the team's judgements; escalate and resolve concerns.
MODERATE = "evaluations.moderate"
SIGN_OFF = "evaluations.sign_off"
REOPEN = "evaluations.reopen"
VIEW_CONCERNS = "concerns.view"
RAISE_CONCERN = "concerns.raise"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEAD_INSPECTOR: frozenset(
        {
            VIEW,
            PROGRESS,
            EDIT,
            MANAGE_TEAM,
            VIEW_RECORDS,
            VIEW_SURVEYS,
            VIEW_EVIDENCE,
            EDIT_EVIDENCE,
            VIEW_AUDIT,
            EXPORT_BUNDLE,
            VIEW_EVALUATIONS,
            PROPOSE,
            MODERATE,
            REOPEN,
            VIEW_CONCERNS,
            RAISE_CONCERN,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            VIEW,
            PROGRESS,
            VIEW_RECORDS,
            VIEW_SURVEYS,
            VIEW_EVIDENCE,
            EDIT_EVIDENCE,
            VIEW_EVALUATIONS,
            PROPOSE,
            VIEW_CONCERNS,
            RAISE_CONCERN,
        }
    ),
    # Volunteers work from engagement and evidence, not children's case records.
    Role.YOUNG_INSPECTION_VOLUNTEER: frozenset({VIEW, PROGRESS, VIEW_EVIDENCE}),
    Role.QUALITY_ASSURER: frozenset(
        {
            VIEW,
            PROGRESS,
            VIEW_RECORDS,
            VIEW_SURVEYS,
            VIEW_EVIDENCE,
            VIEW_AUDIT,
            EXPORT_BUNDLE,
            VIEW_EVALUATIONS,
            SIGN_OFF,
            REOPEN,
            VIEW_CONCERNS,
        }
    ),
    # Partnership staff see only what the team shares with them (the draft report, below).
    Role.PARTNERSHIP_CONTACT: frozenset({VIEW}),
}

# The record-reading tool (scrutiny.web.records), one block so its rules read together:
# readers read the records assigned to them; the lead inspector and quality assurer
# import the sample, assign readers, choose second readings and follow agreement.
READ_RECORDS = "records.read"
MANAGE_READINGS = "records.manage"
ROLE_PERMISSIONS[Role.LEAD_INSPECTOR] |= {READ_RECORDS, MANAGE_READINGS}
ROLE_PERMISSIONS[Role.INSPECTOR] |= {READ_RECORDS}
ROLE_PERMISSIONS[Role.QUALITY_ASSURER] |= {READ_RECORDS, MANAGE_READINGS}

# Surveys and evidence (scrutiny.web.surveys, scrutiny.web.evidence): the lead inspector
# and inspectors import survey exports; problems in a file can quote children's answers.
IMPORT_SURVEYS = "surveys.import"
ROLE_PERMISSIONS[Role.LEAD_INSPECTOR] |= {IMPORT_SURVEYS}
ROLE_PERMISSIONS[Role.INSPECTOR] |= {IMPORT_SURVEYS}

# The published report (scrutiny.web.reports). The team reads the whole report, the
# internal version with its evidence references included; the lead inspector and
# inspectors write the statements and resolve the partnership's comments; the lead
# inspector moves the report on (shares the draft, makes it final, publishes it, reopens
# it). The partnership contact reads only a draft shared with them (the public text,
# without evidence) and comments on its statements; the selectors hide it otherwise.
VIEW_REPORT = "report.view"
EDIT_REPORT = "report.edit"
RESOLVE_COMMENTS = "report.resolve"
MOVE_REPORT_ON = "report.status"
READ_SHARED_DRAFT = "report.shared_draft"
COMMENT_ON_DRAFT = "report.comment"
# Downloads of the public and young people's versions (the partnership: once shared).
DOWNLOAD_REPORT = "report.download"
# The organisation's Word template for the DOCX downloads: no case data in it.
MANAGE_REPORT_TEMPLATE = "report.template"
_REPORT_TEAM = {VIEW_REPORT, READ_SHARED_DRAFT, DOWNLOAD_REPORT}
ROLE_PERMISSIONS[Role.LEAD_INSPECTOR] |= _REPORT_TEAM | {
    EDIT_REPORT,
    RESOLVE_COMMENTS,
    MOVE_REPORT_ON,
    MANAGE_REPORT_TEMPLATE,
}
ROLE_PERMISSIONS[Role.INSPECTOR] |= _REPORT_TEAM | {EDIT_REPORT, RESOLVE_COMMENTS}
ROLE_PERMISSIONS[Role.YOUNG_INSPECTION_VOLUNTEER] |= _REPORT_TEAM
ROLE_PERMISSIONS[Role.QUALITY_ASSURER] |= _REPORT_TEAM
ROLE_PERMISSIONS[Role.PARTNERSHIP_CONTACT] |= {READ_SHARED_DRAFT, COMMENT_ON_DRAFT, DOWNLOAD_REPORT}

ADMINISTRATOR_PERMISSIONS = frozenset({VIEW, EDIT, MANAGE_TEAM, MANAGE_REPORT_TEMPLATE})


# The inspection's timetable (scrutiny.web.plans): the team reads it; the lead inspector
# and the site administrator (no case data in it) move its dates and record stages done.
# The partnership's own view of what is asked of it comes with its own pages.
VIEW_PLAN = "plan.view"
EDIT_PLAN = "plan.edit"
for _role in (
    Role.LEAD_INSPECTOR,
    Role.INSPECTOR,
    Role.YOUNG_INSPECTION_VOLUNTEER,
    Role.QUALITY_ASSURER,
):
    ROLE_PERMISSIONS[_role] |= {VIEW_PLAN}
ROLE_PERMISSIONS[Role.LEAD_INSPECTOR] |= {EDIT_PLAN}
ADMINISTRATOR_PERMISSIONS |= {VIEW_PLAN, EDIT_PLAN}


def permissions_for(*, role: str | None, is_administrator: bool) -> frozenset[str]:
    granted = ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
    if is_administrator:
        granted = granted | ADMINISTRATOR_PERMISSIONS
    return granted
