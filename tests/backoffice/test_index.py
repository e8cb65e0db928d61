from django.urls import reverse


def test_the_back_office_home_leads_to_the_prospects_and_the_bulk_test(client, dalkia_user):
    client.force_login(dalkia_user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    tools = response.content.decode().split('id="backoffice-tools"')[1].split("</table>")[0]
    assert f'href="{reverse("prospects:list")}"' in tools
    assert f'href="{reverse("bulk:list")}"' in tools
    # The admin's own list of models is still there.
    assert 'id="content-main"' in response.content.decode()
