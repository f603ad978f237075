"""What a checker corrected, as the maker reads it on its page.

A checker may correct a submission instead of returning it (``services.submission.correct``); the
corrected version then awaits the checker's approval, and the maker is informed here rather than asked
to acknowledge: each changed cell (template and version, sheet, row, column, the value before and after)
with the checker's reason, and the corrected workbook, to start the next upload from.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from review import state
from review.display import corrections_table, table
from store.history import get_submission
from store.users import User


def section(user: User, listed: pd.DataFrame, trail: pd.DataFrame) -> None:
    """The corrections of the maker's submissions (``listed``: ``store.history.list_submissions`` rows,
    ``trail``: their audit rows); nothing when a checker corrected none."""
    changes = corrections_table(trail, listed)
    if changes.empty:
        return
    st.markdown("**การแก้ไขโดยผู้ตรวจสอบ / Corrections by the checker**")
    st.caption("ผู้ตรวจสอบแก้ไขข้อมูลที่คุณส่งตามรายการนี้ ฉบับที่แก้ไขแล้วเป็นฉบับล่าสุดและรอการอนุมัติ หากจะส่งไฟล์ใหม่ "
               "ให้เริ่มจากไฟล์ฉบับที่แก้ไขแล้ว / The checker corrected what you submitted as listed here; the corrected "
               "version is the newest and awaits approval. To upload again, start from the corrected workbook.")
    table(changes)
    corrected = listed[listed["corrected"].astype(bool)].sort_values("version")
    for sid, version in zip(corrected["id"], corrected["version"], strict=True):
        row = get_submission(state.engine(), int(sid), user.cost_centers(state.reference()))
        st.download_button(f"⬇ ฉบับที่ {version} ที่ผู้ตรวจสอบแก้ไข / Version {version} as corrected",
                           row["file_bytes"], file_name=row["file_name"], key=f"corrected-{sid}")
