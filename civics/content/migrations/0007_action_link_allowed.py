"""Action links by scheme, strictly: https:// with a host, tel: with an E.164 number, mailto:
with one address. Rows the new constraint would refuse are mended first: http:// becomes
https://, and a link that is still not allowed is cleared (the lesson page then shows the
action's text without a link, as it already did for such a row)."""

import re

from django.db import migrations, models

# The patterns as they stand in this migration (civics.links may change them later).
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ALLOWED = [
    re.compile(rf"https://{_LABEL}(\.{_LABEL})+(:[0-9]{{1,5}})?([/?#][!-~]*)?"),
    re.compile(r"tel:\+[1-9][0-9]{6,14}"),
    re.compile(rf"mailto:[A-Za-z0-9.!#$&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(\.{_LABEL})+"),
]


def mend_links(apps, schema_editor):
    ActionItem = apps.get_model("civics", "ActionItem")
    for action in ActionItem.objects.exclude(link="").only("pk", "link").iterator():
        link = action.link.strip()
        if link.lower().startswith("http://"):
            link = "https://" + link[len("http://") :]
        if not any(pattern.fullmatch(link) for pattern in ALLOWED):
            link = ""
        if link != action.link:
            ActionItem.objects.filter(pk=action.pk).update(link=link)


class Migration(migrations.Migration):

    dependencies = [
        ('civics', '0006_content_version'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='actionitem',
            name='action_link_scheme',
        ),
        # Reversing keeps the mended links: they satisfy the old, looser constraint too.
        migrations.RunPython(mend_links, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='actionitem',
            name='link',
            field=models.CharField(blank=True, help_text='https://…, tel:+… (E.164) or mailto: one address. Left blank, it is taken from a phone number, e-mail address or site name in the text.', max_length=500),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('link', ''), ('link__regex', '^https://[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+(:[0-9]{1,5})?([/?#][!-~]*)?$'), ('link__regex', '^tel:\\+[1-9][0-9]{6,14}$'), ('link__regex', "^mailto:[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"), _connector='OR'), models.Q(('link__contains', '\n'), _negated=True)), name='action_link_allowed'),
        ),
    ]
