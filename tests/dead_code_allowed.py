"""Names the dead-code check (vulture, ``[tool.vulture]`` in pyproject.toml) must count as used.

Each is reached in a way vulture cannot follow; the comment says how. This file is read by
vulture, never imported. A name that is truly unused is removed from the code, not added here.
"""

# ruff: noqa: B018, F821

# looked up by name: tui/backend/records.py HISTORIES, tui/cli/commands/scales.py (run_<command>)
administration_history
episode_history
visit_history
run_list
run_show
run_validate
run_score
run_change

# columns and fields that storage writes for SQL readers, the CSV export and the JSON export
computed_at
added_at
last_at
last_band
previous_total
last_completed_at
improved
deteriorated
destroyed
record_status
overall

# read-model fields copied from the stored row by name (schema/readmodels.py read_of), and the
# bound of its type variable, named in a string
contact
created_at
acknowledged_by_id
supersedes_id
DataclassInstance

# click's context and callback parameters (tui/cli/commands/group.py), questionary's choice state
lang
obj
pointed_at

# Textual's hook signatures, whose arguments a screen may not need
parameters  # check_action(action, parameters)

# Textual's methods overridden, called by Textual
bindings_changed  # tui/shell/keybar.py: Footer subscribes it to the screen's bindings signal
search_themes  # tui/app.py: Textual's action_change_theme calls it
_start_no_matches_countdown  # tui/shell/palette.py: CommandPalette calls it on each search
_list_visible  # tui/shell/palette.py: a reactive CommandPalette watches
_no_matches_timer  # tui/shell/palette.py: CommandPalette stops it (_stop_no_matches_countdown)

# read by Textual from a screen's class: the classes it gets by the terminal's height
VERTICAL_BREAKPOINTS  # tui/dialogs/form.py: -short draws a form's fields one line high

# observed by the tests: what they measure, not what the product does
builds  # tests/tui/test_trajectory.py: the chart rebuilds only when its drawing changes
paused  # tests/tui/test_start_path.py: start-up mode holds the collector
t_cdf  # tests/scales/test_outcomes.py: the oracle that checks t_quantile
load_definition  # tests/scales/test_validation.py: one file checked outside a library
forget_keys  # tests/conftest.py: no passphrase carries over from one test to the next

# enum members chosen by the text of a definition file, the database or the config
ALLIANCE
SELF
CLINICIAN
SCORING_ONLY
MINIMUM_ANSWERED
WARNING
URGENT
REFERRED
CLOSING

# the battery per referral reason: config fields read by the reason's name (tui/views/visit_plan.py)
fear_of_childbirth
fear_of_parenthood
traumatic_birth
stillbirth
loss_or_grief
parent_role
relationship_problems

# seals the rows stored before the seals existed: called by migration 0007, which vulture skips
seal_unsealed

# seals again the clients a previous import sealed without their owning role: migration 0014
seal_server_filled

# set on questionary's prompt_toolkit Application, which reads it when the prompt ends
# (tui/cli/prompts.py: the answered check boxes are named in the user's language instead)
erase_when_done
