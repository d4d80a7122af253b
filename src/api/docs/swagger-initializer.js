// Starts Swagger UI on the API description of this server. A file of its own, not an inline
// script, so the page's Content-Security-Policy can forbid inline scripts (src/http/static.c).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // Nothing leaves the server's origin: no badge from the public validator service.
  validatorUrl: null,
  // The page's own layout (no top bar with a URL field): this server's description only.
  layout: "BaseLayout",
});
