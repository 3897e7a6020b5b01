"""Every unique rule a person can run into answers in words, one after the other and at once:
two admins adding the same metric, recording the same week, two people tagging alike."""

import functools

import pytest
from django.urls import reverse

from insightboard.metrics.models import Metric, MetricValue
from insightboard.metrics.services import MetricNameTaken, metric_save
from stories.models import Story, Tag
from tests.api.client import METRICS, api_for
from tests.conftest import client_for
from tests.metrics.factories import THIS_WEEK, MetricFactory
from tests.people.factories import PersonFactory
from tests.races import at_once

METRIC = {"name": "NPS", "unit": "", "good_direction": "up", "description": ""}


@pytest.mark.django_db
def test_a_second_metric_of_the_same_name_is_a_form_error(ada_client):
    MetricFactory(name="NPS")

    response = ada_client.post(reverse("metrics:create"), METRIC | {"name": "nps"})

    assert response.status_code == 200
    assert "There is already a metric called “NPS”." in response.text
    assert Metric.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_the_same_name_in_another_case():
    # What the form checked a moment before another admin saved "NPS": the save itself refuses.
    MetricFactory(name="NPS")

    with pytest.raises(MetricNameTaken, match=r"There is already a metric called “NPS”\."):
        metric_save(Metric(name="nps"))

    assert list(Metric.objects.values_list("name", flat=True)) == ["NPS"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("names", [("NPS", "NPS"), ("NPS", "nps")])
def test_two_admins_adding_the_same_metric_at_once_get_one_and_a_form_error(names):
    admins = PersonFactory.create_batch(2, is_superuser=True, is_staff=True)
    clients = [client_for(admin) for admin in admins]

    def add(client, name: str):
        return client.post(reverse("metrics:create"), METRIC | {"name": name})

    responses = at_once(
        *(functools.partial(add, c, n) for c, n in zip(clients, names, strict=True))
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses in ([200, 302], [302, 409])
    [refused] = [response for response in responses if response.status_code != 302]
    assert "There is already a metric called" in refused.text, refused.context["form"].errors
    assert Metric.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scripts_recording_the_same_week_at_once_record_it_once():
    admin = PersonFactory(is_superuser=True, is_staff=True)
    metric = MetricFactory()
    apis = [api_for(admin), api_for(admin)]
    path = f"{METRICS}/{metric.pk}/values"

    responses = at_once(
        *(
            functools.partial(api.post, path, {"week": THIS_WEEK.isoformat(), "value": value})
            for api, value in zip(apis, ["41", "42"], strict=True)
        )
    )

    assert sorted(response.status_code for response in responses) == [200, 201]
    assert MetricValue.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_tagging_alike_at_once_share_one_tag():
    people = PersonFactory.create_batch(2)
    clients = [client_for(person) for person in people]
    story = {"title": "Checkout broke", "sentiment": "frustration", "channel": "call"}

    def log(client):
        fields = story | {"visibility": "company", "tags": "brand-new-tag"}
        return client.post(reverse("stories:create"), fields)

    responses = at_once(*(functools.partial(log, client) for client in clients))

    assert [response.status_code for response in responses] == [302, 302]
    assert Tag.objects.filter(name="brand-new-tag").count() == 1
    assert Story.objects.filter(tags__name="brand-new-tag").count() == 2
