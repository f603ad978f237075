# The two commands of the README.
.PHONY: run test

run:  ## set up, load the demo fiscal year and start the review app on http://127.0.0.1:8501
	scripts/setup
	.venv/bin/sms demo
	.venv/bin/sms serve

test:  ## set up (with the test tools) and run every test
	scripts/setup --test
	.venv/bin/python -m pytest
