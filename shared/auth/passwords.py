"""The password policy (for passwords people choose: a new account's, a changed one's), and generated initial passwords.

A password is at least ``MIN_LENGTH`` characters and at most 72 bytes (bcrypt reads no further); it has
three of: lower-case letters, upper-case letters, digits, other characters; it is not, and does not
contain, the username; it is not one of the common passwords below (compared without case); it has no
control characters; and a changed password differs from the one before.
"""

from __future__ import annotations

import secrets
import string
import unicodedata

MIN_LENGTH = 10
MAX_BYTES = 72
COMMON = frozenset({
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssw0rd123", "p@ssword123",
    "1234567890", "12345678910", "0123456789", "1qaz2wsx3edc", "1q2w3e4r5t", "qwertyuiop", "qwerty123456",
    "abc123456789", "abc@123456", "abcd@123456", "abcd1234!@#$", "aa123456789", "a123456789",
    "admin12345", "admin@123", "admin@12345", "admin123456", "administrator", "root@12345",
    "woaini1314", "woaini520", "iloveyou123", "zxcvbnm123", "asdfghjkl1", "88888888888", "11111111111",
    "welcome123", "welcome@123", "changeme123", "test@12345", "bangnin123", "bangnin@123", "zwfw@12345",
})


def policy_problems(password: str, username: str, previous_hash_matches: bool = False) -> list[str]:
    """What is wrong with ``password`` (in Chinese); empty when it may be used."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少 {MIN_LENGTH} 个字符")
    if len(password.encode("utf-8")) > MAX_BYTES:
        problems.append(f"密码不能超过 {MAX_BYTES} 字节")
    if any(unicodedata.category(c).startswith("C") for c in password):
        problems.append("密码不能含控制字符")
    classes = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if classes < 3:
        problems.append("密码须含小写字母、大写字母、数字、其他字符中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    if password.lower() in COMMON:
        problems.append("密码过于常见，请换一个")
    if previous_hash_matches:
        problems.append("新密码不能与原密码相同")
    return problems


def generated_password() -> str:
    """An initial or reset password: 16 characters that meet the policy (to be changed at first login)."""
    alphabet = string.ascii_letters + string.digits + "-_.!"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if not policy_problems(candidate, ""):
            return candidate
