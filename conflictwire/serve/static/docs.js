// The API documentation page (Swagger UI, served offline). Its start-up is this file rather than
// FastAPI's inline script, so /docs carries the same policy as the dashboard: no inline script.
"use strict";
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
