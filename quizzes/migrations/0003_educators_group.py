"""The Educators group: exactly the permissions to author content, and to clear lockouts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Educators"
AUTHORING = {
    "civics": ["topic", "source", "lesson", "keypoint", "lessonsection", "actionitem"],
    "quizzes": ["quiz", "question", "choice", "acceptedanswer", "numericanswer", "matchpair"],
}
EXTRA = [("axes", "view_accessattempt"), ("axes", "delete_accessattempt")]


def wanted_codenames():
    for app_label, models in AUTHORING.items():
        for model in models:
            for action in ("add", "change", "delete", "view"):
                yield app_label, f"{action}_{model}"
    yield from EXTRA


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in wanted_codenames()
    ]
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_review_queue"),
        ("civics", "0003_lesson_reads"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
