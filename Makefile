# The two commands of the README.
.PHONY: run test

run:  ## set up, build the demo fiscal year and start the review app
	scripts/setup
	.venv/bin/sms templates build
	.venv/bin/sms demo

test:  ## set up (with the test tools) and run every test
	scripts/setup --test
	.venv/bin/python -m pytest
