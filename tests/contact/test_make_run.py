"""`make run` sends the mail queue during development, beside the development server."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_sends_the_queue_in_the_background():
    """`make run`'s recipe (shown by `make -n`, nothing is run) loops over
    `manage.py send_queued_mail` in the background, stops the loop when the server stops, and
    then starts the development server."""
    recipe = subprocess.run(
        ["make", "-n", "run", "MAIL_INTERVAL=7"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loop = recipe.index("while :; do")
    assert "manage.py send_queued_mail" in recipe[loop:]
    assert "sleep 7" in recipe[loop:]
    assert "trap 'kill $mailer" in recipe
    assert recipe.index("manage.py runserver") > loop
