"""SMS Workbench review app: `streamlit run review_app.py` (or `sms serve`). The app is review/app.py."""

from review.app import main

main()
