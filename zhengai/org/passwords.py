"""Password rules beyond Django's own (see ``AUTH_PASSWORD_VALIDATORS``).

Django already refuses short passwords, passwords like the username, all-digit passwords and the
20,000 most common ones. What it lets through and a campus sees every day is a common word followed
by digits — ``demo1234``, ``admin123``, ``woaini1314``, ``zhengai2026`` — or a keyboard run such as
``1qaz2wsx``: this validator refuses those.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words that, with digits or symbols around them, make up most guessed passwords on a campus.
COMMON_WORDS = frozenset("""
admin administrator root test demo guest user pass passwd password passw0rd p@ssw0rd welcome
qwer qwert qwerty asdf asdfgh zxcv abc abcd abcde abcdef aaa aaaa aa a qq woaini iloveyou love
zhengai zhenggai school college teacher student xuexiao jiaoshi xuesheng laoshi zhiguan
super system manager default changeme letmein hello china beijing
""".split())
KEYBOARD_RUNS = ("1qaz2wsx", "qazwsx", "1q2w3e4r", "1q2w3e", "qwertyuiop", "asdfghjkl", "zxcvbnm",
                 "q1w2e3r4", "abc123", "a1b2c3")


def is_common(password: str) -> bool:
    lowered = password.lower()
    if any(lowered.startswith(run) or lowered.endswith(run) for run in KEYBOARD_RUNS):
        return True
    core = re.sub(r"[\d\W_]+", "", lowered)  # the word once digits and symbols are taken away
    return core in COMMON_WORDS or core == "" or len(set(lowered)) <= 2


class CommonPatternValidator:
    """Refuses a common word with digits or symbols (``demo1234``) and keyboard runs (``1qaz2wsx``)."""

    def validate(self, password, user=None):
        if is_common(password):
            raise ValidationError(_("该密码过于常见（常用词加数字或键盘序列），请换一个更难猜的密码。"),
                                  code="password_too_common")

    def get_help_text(self):
        return _("密码不能是常用词加数字（如 demo1234、admin123）或键盘序列（如 1qaz2wsx）。")
