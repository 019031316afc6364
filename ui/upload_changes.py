"""What a replacement changes, shown on the upload page: figures altered and added, and the
removals a person must confirm before the new version is saved (loaders.ingest.resubmission);
and the figures queried as implausible, which a person confirms with a reason before any
version is saved (loaders.ingest.plausibility).

Every cell is words: a figure's label, the day or port it is for ('Total', '13 October 2025',
'Port of Felixstowe'), and its values in GOV.UK style; never a code, never 'None'.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd
import streamlit as st

from loaders.ingest.changes import changes_summary, stored_changes
from loaders.ingest.resubmission import removed_things
from loaders.reference.snapshot import Reference
from metrics.format import fmt_value
from metrics.tracker import shown_value

CHANGE_COLUMNS = ["Figure", "Day or port", "Was", "Becomes"]
REMOVED_COLUMNS = ["Figure", "Day or port", "Was"]
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'])")


def plain(text: object) -> str:
    """Text from a file or a person made safe for a Markdown label: every punctuation mark
    escaped."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def changes_table(changes: list[dict[str, Any]], columns: list[str] = CHANGE_COLUMNS) -> pd.DataFrame:
    """One row per change, in words."""
    rows = [[c.get("label") or c.get("measure") or "", c.get("place") or "Total",
             _shown(c, "old"), _shown(c, "new")] for c in changes]
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS, dtype=object)
    return frame[columns]


def version_changes(con: Any, return_key: str, old: int, new: int) -> tuple[str, pd.DataFrame]:
    """The Returns tracker's "What changed" between two stored versions of one return: the
    count in words ('5 spend lines changed (3 added, 2 removed)') and the table, by the same
    comparison a resubmission is checked with."""
    ids = dict(con.execute("SELECT version, id FROM submission WHERE return_key = ? "
                           "AND version IN (?, ?)", [return_key, int(old), int(new)]).fetchall())
    kind = con.execute("SELECT any_value(return_kind) FROM submission WHERE return_key = ?",
                       [return_key]).fetchall()[0][0]
    if int(old) not in ids or int(new) not in ids:
        return changes_summary([], kind), changes_table([])
    found = stored_changes(con, ids[int(old)], ids[int(new)], Reference.from_db(con))
    return changes_summary(found, kind), changes_table(found)


def _shown(change: dict[str, Any], side: str) -> str:
    value, qualifier = change.get(side), change.get(f"{side}_qualifier")
    detail = change.get("table", "value") != "value"
    if change.get("change") == ("removed" if side == "new" else "added"):
        if side == "new":
            return "not in this file: removed" if detail else "blank: removed"
        return "not listed" if detail else "not stated"
    if value is None:
        return "listed without a value" if detail else "not recorded"
    if detail:
        return fmt_value(value, "gbp", str(qualifier or "exact"))
    return shown_value(str(change.get("measure")), value, qualifier)


def removals_confirmed(result: Any, key: str) -> bool:
    """List what saving would remove and ask for explicit confirmation; True once given (or
    when nothing would be removed). The box is new whenever the list is, so a tick given for
    one list never confirms another."""
    removed = result.removed
    if not removed:
        return True
    n = len(removed)
    things = removed_things(result.changed)
    st.error(f"{things} stated in version {result.replaces} "
             f"{'is' if n == 1 else 'are'} blank or missing in this file. Saving removes "
             f"{'it' if n == 1 else 'them'} from the return: "
             f"{'it' if n == 1 else 'they'} will no longer count in any total.",
             icon=":material/delete:")
    st.dataframe(changes_table(removed, REMOVED_COLUMNS), hide_index=True, width="stretch",
                 key=f"removed-{key}")
    st.caption("To keep a figure, cancel, put the figure back in the file and upload it again.")
    digest = hashlib.sha256("\n".join(sorted(result.removal_keys())).encode()).hexdigest()[:12]
    return st.checkbox(f"Remove {'it' if n == 1 else f'these {n:,}'}: I have checked "
                       f"{'it' if n == 1 else 'they'} should no longer be counted",
                       key=f"remove-{key}-{digest}")


def queries_confirmed(result: Any, key: str) -> tuple[bool, str]:
    """List each figure queried as implausible and ask for a tick and a reason; (True, reason)
    once both are given, (True, '') when nothing is queried. The tick and the reason are new
    whenever the list is, so a confirmation given for one list never confirms another."""
    queried = result.queries
    if not queried:
        return True, ""
    n = len(queried)
    st.warning(f"{n:,} figure{'' if n == 1 else 's'} {'is' if n == 1 else 'are'} far from what "
               "is usual. Check each against the force's file or with the force: a typing slip "
               "is corrected in the file and uploaded again; a figure that is right is "
               "confirmed here with a reason, which is recorded.", icon=":material/help:")
    with st.container(key=f"queries-{key}"):
        for issue in queried:
            st.markdown(f"**{plain(issue.location)}**, value {plain(issue.value)}: "
                        f"{plain(issue.message)}")
    digest = hashlib.sha256("\n".join(sorted(result.query_keys())).encode()).hexdigest()[:12]
    ticked = st.checkbox(f"I have checked {'this figure' if n == 1 else f'these {n:,} figures'}: "
                         f"{'it is' if n == 1 else 'they are'} right",
                         key=f"query-ok-{key}-{digest}")
    reason = st.text_input("Reason (recorded with the upload)", key=f"query-why-{key}-{digest}",
                           placeholder="For example: Kent confirmed by phone: a large planned "
                                       "operation that week", max_chars=500)
    reason = (reason or "").strip()
    return ticked and bool(reason), reason
