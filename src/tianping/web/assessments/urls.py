from tianping.web.assessments.bias import urls as bias_urls
from tianping.web.assessments.privacy import urls as privacy_urls

app_name = "assessments"
urlpatterns = [*bias_urls.urlpatterns, *privacy_urls.urlpatterns]
