from django.urls import path

from hiroba.evaluation import views, views_review, views_work

app_name = "evaluation"

urlpatterns = [
    path("", views.sheet_list, name="sheet-list"),
    path("new/", views.sheet_create, name="sheet-create"),
    path("import/", views_work.sheet_import, name="sheet-import"),
    path("term/", views.term_review, name="term-review"),
    path("<int:sheet_id>/", views.sheet_detail, name="sheet-detail"),
    path("<int:sheet_id>/header/", views.header_edit, name="header-edit"),
    path("<int:sheet_id>/goals/new/", views.goal_create, name="goal-create"),
    path("<int:sheet_id>/targets/", views.targets_edit, name="targets-edit"),
    path("<int:sheet_id>/submit/", views_review.sheet_submit, name="sheet-submit"),
    path(
        "<int:sheet_id>/approve/operator/", views_review.approve_operator, name="approve-operator"
    ),
    path("<int:sheet_id>/approve/ward/", views_review.approve_ward, name="approve-ward"),
    path("<int:sheet_id>/publish/", views_review.sheet_publish, name="sheet-publish"),
    path("<int:sheet_id>/correct/", views_review.sheet_correct, name="sheet-correct"),
    path("<int:sheet_id>/comments/", views_review.comment_add, name="comment-add"),
    path("<int:sheet_id>/revisions/", views_review.revisions, name="revisions"),
    path("<int:sheet_id>/actions/", views_work.actions, name="actions"),
    path("<int:sheet_id>/sheet.pdf", views_work.sheet_pdf, name="sheet-pdf"),
    path("<int:sheet_id>/sheet.xlsx", views_work.sheet_xlsx, name="sheet-xlsx"),
    path("goals/<int:goal_id>/", views.goal_edit, name="goal-edit"),
    path("goals/<int:goal_id>/delete/", views.goal_delete, name="goal-delete"),
    path("goals/<int:goal_id>/move/", views.goal_move, name="goal-move"),
    path("goals/<int:goal_id>/actions/", views_work.action_add, name="action-add"),
    path(
        "actions/<int:evaluation_action_id>/delete/", views_work.action_delete, name="action-delete"
    ),
    path(
        "comments/<int:comment_id>/resolve/", views_review.comment_resolve, name="comment-resolve"
    ),
]
