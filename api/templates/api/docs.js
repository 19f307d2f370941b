{% load i18n %}"use strict";
// Swagger UI as a part of the archive's page. Its own layout (BaseLayout) wraps the
// operations in a second <main> and repeats the page's title, schemes and sign-in; this one
// is BaseLayout with only what the page needs: the operations and the schemas, in plain
// elements. No authorisation (the API needs none), no deep links (a link inside each
// operation's button is what screen readers mishandle).
const swaggerSettings = {{ settings|safe }};

const ArchiveLayoutPlugin = (system) => {
  const h = system.React.createElement;

  class ArchiveLayout extends system.React.Component {
    render() {
      const { getComponent, specSelectors } = this.props;
      const SvgAssets = getComponent("SvgAssets");
      const Errors = getComponent("errors", true);
      const Operations = getComponent("operations", true);
      const Models = getComponent("Models", true);
      const Row = getComponent("Row");
      const Col = getComponent("Col");
      const status = specSelectors.loadingStatus();
      if (status === "loading" || !specSelectors.specStr()) {
        return h("div", { className: "swagger-ui" },
          h("div", { className: "loading-container" }, h("div", { className: "loading" })));
      }
      if (status === "failed") {
        return h("div", { className: "swagger-ui" }, h(Errors, null));
      }
      return h(
        "div",
        { className: "swagger-ui" },
        h(SvgAssets, null),
        h(Errors, null),
        h(Row, null, h(Col, { mobile: 12, desktop: 12 }, h(Operations, null))),
        h(Row, null, h(Col, { mobile: 12, desktop: 12 }, h(Models, null))),
      );
    }
  }

  return { components: { ArchiveLayout } };
};

// What Swagger UI's markup lacks for assistive technology, added to each element it draws:
// a name for its parameters' inputs and its response tables, and a keyboard stop on the
// code blocks that scroll.
const responsesLabel = "{% filter escapejs %}{% translate "Responses" %}{% endfilter %}";
const nameWhatSwaggerDraws = (root) => {
  for (const field of root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input")) {
    if (!field.hasAttribute("aria-label")) {
      field.setAttribute("aria-label", field.closest("tr").dataset.paramName);
    }
  }
  for (const table of root.querySelectorAll("table[role=region]:not([aria-label])")) {
    const operation = table.closest(".opblock");
    const path = operation && operation.querySelector(".opblock-summary-path");
    table.setAttribute("aria-label", responsesLabel + " " + (path ? path.textContent : table.id));
  }
  for (const block of root.querySelectorAll("pre:not([tabindex])")) {
    block.setAttribute("tabindex", "0");
  }
};

const container = document.getElementById("swagger-ui");
new MutationObserver(() => nameWhatSwaggerDraws(container)).observe(container, {
  childList: true,
  subtree: true,
});

SwaggerUIBundle({
  url: "{{ schema_url|escapejs }}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [ArchiveLayoutPlugin],
  layout: "ArchiveLayout",
  ...swaggerSettings,
});
