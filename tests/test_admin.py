"""The administrator's pages: people search and the organisations a grant may name."""

from __future__ import annotations

import pytest

from planner.accounts import services as accounts


@pytest.fixture
def admin(make_user, auth):
    user = make_user("管理员", admin=True)
    auth.login(user)
    return user


@pytest.mark.parametrize(
    ("query", "wanted", "lookalike"),
    [("分%号", "百分%号", "百分之号"), ("下_线", "下_线", "下划线"), ("反\\斜", "反\\斜", "反斜")],
)
def test_user_search_takes_percent_underscore_and_backslash_literally(
    client, admin, make_user, query, wanted, lookalike
):
    make_user(wanted)
    make_user(lookalike)
    assert {u.real_name for u in accounts.people_page(query).items} == {wanted}
    page = client.get("/admin/users", query_string={"q": query}).get_data(as_text=True)
    assert wanted in page
    assert lookalike not in page


def test_user_search_ignores_latin_case_and_finds_digits_in_the_number(make_user):
    make_user("Li Ming", phone="13912345678")
    make_user("王芳", phone="13800000000")
    assert [u.real_name for u in accounts.people_page("li ming").items] == ["Li Ming"]
    assert [u.real_name for u in accounts.people_page("1234").items] == ["Li Ming"]


def test_grant_choices_list_departments_then_streets_then_communities_with_their_parents(
    app, make_community, make_department
):
    community = make_community()
    department = make_department()
    choices = accounts.grant_choices()
    keys = [key for key, _label in choices]
    assert keys.index(f"department:{department.id}") < keys.index(f"street:{community.street_id}")
    assert keys.index(f"street:{community.street_id}") < keys.index(f"community:{community.id}")
    labels = dict(choices)
    street = community.street
    assert labels[f"street:{street.id}"] == f"{street.district.name} · {street.name}"
    assert labels[f"community:{community.id}"] == f"{street.name} · {community.name}"
    assert labels[f"department:{department.id}"] == department.name
