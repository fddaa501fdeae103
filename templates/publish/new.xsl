<?xml version="1.0" encoding="UTF-8"?>
<!-- new.xsl: registering a service with its first version (GET /publish/new), and the same form again with
     what was sent, the bad fields and the pipeline's report after a refused POST /publish/services. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>
  <xsl:import href="report.xsl"/>

  <xsl:variable name="form" select="/page/data/form"/>
  <xsl:variable name="v" select="/page/data/form/values"/>
  <xsl:variable name="errors" select="/page/data/form/errors/item"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Register a service")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/publish"><xsl:value-of select='mkt:tr("Your services")'/></a></li>
        <li><a href="/publish/new" aria-current="page"><xsl:value-of select='mkt:tr("Register a service")'/></a></li>
      </ol>
    </nav>
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Register a service")'/></h1>
      <p class="page-intro"><xsl:value-of select='mkt:tr("Describe the service and its first version. The publishing pipeline then checks the contract, the policies and the endpoint; the service is listed when every step passes, or once an administrator approves it.")'/></p>
    </div>
    <xsl:apply-templates select="form"/>
  </xsl:template>

  <xsl:template match="form">
    <xsl:if test="$errors or normalize-space(refusal) != '' or report">
      <div class="alert alert-error error-summary" role="alert" aria-labelledby="summary-title">
        <h2 id="summary-title"><xsl:value-of select='mkt:tr("The service was not registered")'/></h2>
        <xsl:if test="normalize-space(refusal) != ''">
          <p class="error-summary-reason"><xsl:value-of select="refusal"/></p>
        </xsl:if>
        <xsl:if test="$errors">
          <ul class="error-list">
            <xsl:for-each select="$errors">
              <xsl:variable name="flat">
                <xsl:call-template name="flat-name"><xsl:with-param name="path" select="name"/></xsl:call-template>
              </xsl:variable>
              <xsl:variable name="label">
                <xsl:call-template name="field-label"><xsl:with-param name="path" select="name"/></xsl:call-template>
              </xsl:variable>
              <li>
                <xsl:choose>
                  <xsl:when test="$flat != ''"><a href="#f-{$flat}"><xsl:value-of select="$label"/></a></xsl:when>
                  <xsl:otherwise><strong><xsl:value-of select="$label"/></strong></xsl:otherwise>
                </xsl:choose>
                <xsl:text>: </xsl:text>
                <xsl:value-of select="reason"/>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:if>
        <xsl:if test="report">
          <p><a href="#report-title"><xsl:value-of select='mkt:tr("See the pipeline report below.")'/></a></p>
        </xsl:if>
      </div>
    </xsl:if>

    <xsl:if test="report">
      <section class="card report-card" aria-labelledby="report-title">
        <h2 id="report-title"><xsl:value-of select='mkt:tr("Pipeline report")'/></h2>
        <p class="muted"><xsl:value-of select='mkt:tr("Nothing was stored. Correct what failed and send the form again.")'/></p>
        <xsl:call-template name="pipeline-report"><xsl:with-param name="report" select="report"/></xsl:call-template>
      </section>
    </xsl:if>

    <form class="publish-form" method="post" action="/publish/services" accept-charset="UTF-8">
      <input type="hidden" name="csrf" value="{csrf}"/>
      <p class="form-note">
        <xsl:value-of select='mkt:tr("Fields marked with * are required.")'/>
      </p>

      <!-- Service -->
      <fieldset class="card form-section">
        <legend><xsl:value-of select='mkt:tr("Service")'/></legend>
        <div class="form-grid">
          <xsl:choose>
            <xsl:when test="providers/item">
              <div class="field">
                <xsl:call-template name="field-class"><xsl:with-param name="path" select="'provider'"/></xsl:call-template>
                <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'provider'"/></xsl:call-template>
                <select id="f-provider" name="provider">
                  <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'provider'"/></xsl:call-template>
                  <xsl:for-each select="providers/item">
                    <xsl:call-template name="option">
                      <xsl:with-param name="value" select="slug"/>
                      <xsl:with-param name="label" select="name"/>
                      <xsl:with-param name="current" select="$v/provider"/>
                    </xsl:call-template>
                  </xsl:for-each>
                </select>
                <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'provider'"/></xsl:call-template>
              </div>
            </xsl:when>
            <xsl:otherwise>
              <p class="field field-wide form-note">
                <xsl:value-of select='mkt:tr("Your organisation has no provider yet: one named after the organisation is created with this first service.")'/>
              </p>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'name'"/>
            <xsl:with-param name="value" select="$v/name"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="maxlength" select="200"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'slug'"/>
            <xsl:with-param name="value" select="$v/slug"/>
            <xsl:with-param name="maxlength" select="128"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
            <xsl:with-param name="hint" select='mkt:tr("The name in the service’s address: lower-case letters, digits, dots, underscores and hyphens. Made from the name when empty.")'/>
          </xsl:call-template>
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'category'"/></xsl:call-template>
            <xsl:call-template name="field-label-element">
              <xsl:with-param name="path" select="'category'"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
            <select id="f-category" name="category" required="required">
              <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'category'"/></xsl:call-template>
              <option value=""><xsl:value-of select='mkt:tr("Choose a category")'/></option>
              <xsl:for-each select="categories/item">
                <xsl:call-template name="option">
                  <xsl:with-param name="value" select="slug"/>
                  <xsl:with-param name="label" select="name"/>
                  <xsl:with-param name="current" select="$v/category"/>
                </xsl:call-template>
              </xsl:for-each>
            </select>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'category'"/></xsl:call-template>
          </div>
          <xsl:call-template name="textarea-field">
            <xsl:with-param name="path" select="'description'"/>
            <xsl:with-param name="value" select="$v/description"/>
            <xsl:with-param name="rows" select="4"/>
            <xsl:with-param name="maxlength" select="20000"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'tags'"/>
            <xsl:with-param name="value"><xsl:call-template name="join"><xsl:with-param name="items" select="$v/tags/item"/></xsl:call-template></xsl:with-param>
            <xsl:with-param name="placeholder" select="'summarization, multilingual'"/>
            <xsl:with-param name="hint" select='mkt:tr("Comma-separated words of lower-case letters, digits and hyphens; at most 20.")'/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'capabilities'"/>
            <xsl:with-param name="value"><xsl:call-template name="join"><xsl:with-param name="items" select="$v/capabilities/item"/></xsl:call-template></xsl:with-param>
            <xsl:with-param name="placeholder" select="'chat, vision, tool-choice'"/>
            <xsl:with-param name="hint" select='mkt:tr("Comma-separated, as for tags.")'/>
          </xsl:call-template>
        </div>
      </fieldset>

      <!-- Endpoint -->
      <fieldset class="card form-section">
        <legend><xsl:value-of select='mkt:tr("Endpoint")'/></legend>
        <div class="form-grid">
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'endpoint.url'"/>
            <xsl:with-param name="value" select="$v/endpoint/url"/>
            <xsl:with-param name="type" select="'url'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="maxlength" select="2000"/>
            <xsl:with-param name="placeholder" select="'https://api.example.com'"/>
            <xsl:with-param name="hint" select='mkt:tr("The base URL the contract’s paths are appended to, with https://.")'/>
            <xsl:with-param name="wide" select="true()"/>
          </xsl:call-template>
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'endpoint.protocol'"/></xsl:call-template>
            <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'endpoint.protocol'"/></xsl:call-template>
            <select id="f-endpoint_protocol" name="endpoint_protocol">
              <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'endpoint.protocol'"/></xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'openai'"/>
                <xsl:with-param name="label" select='mkt:tr("OpenAI-compatible API")'/>
                <xsl:with-param name="current" select="$v/endpoint/protocol"/>
                <xsl:with-param name="default" select="'openai'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'rest'"/>
                <xsl:with-param name="label" select='mkt:tr("Other REST API")'/>
                <xsl:with-param name="current" select="$v/endpoint/protocol"/>
                <xsl:with-param name="default" select="'openai'"/>
              </xsl:call-template>
            </select>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'endpoint.protocol'"/></xsl:call-template>
          </div>
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'endpoint.auth_method'"/></xsl:call-template>
            <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'endpoint.auth_method'"/></xsl:call-template>
            <select id="f-auth_method" name="auth_method">
              <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'endpoint.auth_method'"/></xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'none'"/>
                <xsl:with-param name="label" select='mkt:tr("None")'/>
                <xsl:with-param name="current" select="$v/endpoint/auth_method"/>
                <xsl:with-param name="default" select="'none'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'bearer'"/>
                <xsl:with-param name="label" select='mkt:tr("Bearer token")'/>
                <xsl:with-param name="current" select="$v/endpoint/auth_method"/>
                <xsl:with-param name="default" select="'none'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'header'"/>
                <xsl:with-param name="label" select='mkt:tr("API key in a header")'/>
                <xsl:with-param name="current" select="$v/endpoint/auth_method"/>
                <xsl:with-param name="default" select="'none'"/>
              </xsl:call-template>
            </select>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'endpoint.auth_method'"/></xsl:call-template>
          </div>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'endpoint.auth_header'"/>
            <xsl:with-param name="value" select="$v/endpoint/auth_header"/>
            <xsl:with-param name="maxlength" select="64"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
            <xsl:with-param name="placeholder" select="'X-API-Key'"/>
            <xsl:with-param name="hint" select='mkt:tr("Only for an API key in a header; X-API-Key when empty.")'/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'endpoint.credential'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="maxlength" select="4096"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
            <xsl:with-param name="hint">
              <xsl:value-of select='mkt:tr("Needed unless the authentication is None. Stored encrypted, never shown again.")'/>
              <xsl:if test="$errors or report or normalize-space(refusal) != ''">
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("It is not sent back with the form: enter it again.")'/>
              </xsl:if>
            </xsl:with-param>
          </xsl:call-template>
        </div>
      </fieldset>

      <!-- Pricing -->
      <fieldset class="card form-section" aria-describedby="h-pricing">
        <legend><xsl:value-of select='mkt:tr("Pricing")'/></legend>
        <p class="form-note" id="h-pricing"><xsl:value-of select='mkt:tr("Prices of this version, in the chosen currency: decimal numbers with at most six decimals, such as 0.50. Leave empty what does not apply.")'/></p>
        <div class="form-grid">
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'pricing.currency'"/></xsl:call-template>
            <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'pricing.currency'"/></xsl:call-template>
            <select id="f-currency" name="currency">
              <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'pricing.currency'"/></xsl:call-template>
              <xsl:call-template name="currency-options"><xsl:with-param name="current" select="$v/pricing/currency"/></xsl:call-template>
            </select>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'pricing.currency'"/></xsl:call-template>
          </div>
          <xsl:call-template name="price-field">
            <xsl:with-param name="path" select="'pricing.input_per_mtok'"/>
            <xsl:with-param name="value" select="$v/pricing/input_per_mtok"/>
          </xsl:call-template>
          <xsl:call-template name="price-field">
            <xsl:with-param name="path" select="'pricing.output_per_mtok'"/>
            <xsl:with-param name="value" select="$v/pricing/output_per_mtok"/>
          </xsl:call-template>
          <xsl:call-template name="price-field">
            <xsl:with-param name="path" select="'pricing.per_request'"/>
            <xsl:with-param name="value" select="$v/pricing/per_request"/>
          </xsl:call-template>
          <xsl:call-template name="price-field">
            <xsl:with-param name="path" select="'pricing.subscription_monthly'"/>
            <xsl:with-param name="value" select="$v/pricing/subscription_monthly"/>
          </xsl:call-template>
        </div>
      </fieldset>

      <!-- Service level -->
      <fieldset class="card form-section">
        <legend><xsl:value-of select='mkt:tr("Service level (SLA)")'/></legend>
        <div class="form-grid">
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'sla.availability_pct'"/>
            <xsl:with-param name="value" select="$v/sla/availability_pct"/>
            <xsl:with-param name="inputmode" select="'decimal'"/>
            <xsl:with-param name="pattern" select="'[0-9]{1,3}(\.[0-9]{1,6})?'"/>
            <xsl:with-param name="placeholder" select="'99.9'"/>
            <xsl:with-param name="hint" select='mkt:tr("Percent from 0 to 100.")'/>
          </xsl:call-template>
          <xsl:call-template name="integer-field">
            <xsl:with-param name="path" select="'sla.max_latency_ms'"/>
            <xsl:with-param name="value" select="$v/sla/max_latency_ms"/>
            <xsl:with-param name="placeholder" select="'2000'"/>
            <xsl:with-param name="hint" select='mkt:tr("Milliseconds, from 1 to 600000.")'/>
          </xsl:call-template>
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'sla.support'"/></xsl:call-template>
            <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'sla.support'"/></xsl:call-template>
            <select id="f-support" name="support">
              <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'sla.support'"/></xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'best-effort'"/>
                <xsl:with-param name="label" select='mkt:tr("Best effort")'/>
                <xsl:with-param name="current" select="$v/sla/support"/>
                <xsl:with-param name="default" select="'business-hours'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'business-hours'"/>
                <xsl:with-param name="label" select='mkt:tr("Business hours")'/>
                <xsl:with-param name="current" select="$v/sla/support"/>
                <xsl:with-param name="default" select="'business-hours'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'24x7'"/>
                <xsl:with-param name="label" select='mkt:tr("Around the clock (24×7)")'/>
                <xsl:with-param name="current" select="$v/sla/support"/>
                <xsl:with-param name="default" select="'business-hours'"/>
              </xsl:call-template>
            </select>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'sla.support'"/></xsl:call-template>
          </div>
        </div>
      </fieldset>

      <!-- Compliance -->
      <fieldset class="card form-section">
        <legend><xsl:value-of select='mkt:tr("Compliance")'/></legend>
        <div class="form-grid">
          <div class="field">
            <xsl:call-template name="field-class"><xsl:with-param name="path" select="'compliance.level'"/></xsl:call-template>
            <xsl:call-template name="field-label-element"><xsl:with-param name="path" select="'compliance.level'"/></xsl:call-template>
            <select id="f-compliance_level" name="compliance_level">
              <xsl:call-template name="field-aria">
                <xsl:with-param name="path" select="'compliance.level'"/>
                <xsl:with-param name="hint" select="true()"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'public'"/>
                <xsl:with-param name="label" select='mkt:tr("Public data")'/>
                <xsl:with-param name="current" select="$v/compliance/level"/>
                <xsl:with-param name="default" select="'public'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'internal'"/>
                <xsl:with-param name="label" select='mkt:tr("Internal data")'/>
                <xsl:with-param name="current" select="$v/compliance/level"/>
                <xsl:with-param name="default" select="'public'"/>
              </xsl:call-template>
              <xsl:call-template name="option">
                <xsl:with-param name="value" select="'confidential'"/>
                <xsl:with-param name="label" select='mkt:tr("Confidential data")'/>
                <xsl:with-param name="current" select="$v/compliance/level"/>
                <xsl:with-param name="default" select="'public'"/>
              </xsl:call-template>
            </select>
            <xsl:call-template name="field-notes">
              <xsl:with-param name="path" select="'compliance.level'"/>
              <xsl:with-param name="hint" select='mkt:tr("The most sensitive data the service is cleared to receive.")'/>
            </xsl:call-template>
          </div>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'compliance.certifications'"/>
            <xsl:with-param name="value"><xsl:call-template name="join"><xsl:with-param name="items" select="$v/compliance/certifications/item"/></xsl:call-template></xsl:with-param>
            <xsl:with-param name="placeholder" select="'SOC2, ISO27001'"/>
            <xsl:with-param name="hint" select='mkt:tr("Comma-separated names of letters, digits and hyphens.")'/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'compliance.data_residency'"/>
            <xsl:with-param name="value"><xsl:call-template name="join"><xsl:with-param name="items" select="$v/compliance/data_residency/item"/></xsl:call-template></xsl:with-param>
            <xsl:with-param name="placeholder" select="'DE, FR'"/>
            <xsl:with-param name="hint" select='mkt:tr("Where data is processed and stored: comma-separated two-letter country codes.")'/>
          </xsl:call-template>
          <xsl:call-template name="integer-field">
            <xsl:with-param name="path" select="'compliance.data_retention_days'"/>
            <xsl:with-param name="value" select="$v/compliance/data_retention_days"/>
            <xsl:with-param name="placeholder" select="'30'"/>
            <xsl:with-param name="hint" select='mkt:tr("How long requests are kept, from 0 to 36500 days.")'/>
          </xsl:call-template>
          <div class="field field-wide field-check">
            <xsl:call-template name="field-class">
              <xsl:with-param name="path" select="'compliance.training_use'"/>
              <xsl:with-param name="extra" select="' field-wide field-check'"/>
            </xsl:call-template>
            <label class="check" for="f-training_use">
              <input id="f-training_use" type="checkbox" name="training_use" value="on">
                <xsl:if test="string($v/compliance/training_use) = 'true'">
                  <xsl:attribute name="checked">checked</xsl:attribute>
                </xsl:if>
                <xsl:call-template name="field-aria"><xsl:with-param name="path" select="'compliance.training_use'"/></xsl:call-template>
              </input>
              <xsl:text> </xsl:text>
              <xsl:call-template name="field-label"><xsl:with-param name="path" select="'compliance.training_use'"/></xsl:call-template>
            </label>
            <xsl:call-template name="field-notes"><xsl:with-param name="path" select="'compliance.training_use'"/></xsl:call-template>
          </div>
        </div>
      </fieldset>

      <!-- Version and contract -->
      <fieldset class="card form-section">
        <legend><xsl:value-of select='mkt:tr("Version and contract")'/></legend>
        <div class="form-grid">
          <xsl:call-template name="text-field">
            <xsl:with-param name="path" select="'version'"/>
            <xsl:with-param name="value" select="$v/version"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="maxlength" select="128"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
            <xsl:with-param name="placeholder" select="'1.0.0'"/>
            <xsl:with-param name="hint" select='mkt:tr("A semantic version, such as 1.0.0 or 2.1.0-rc.1.")'/>
          </xsl:call-template>
          <xsl:call-template name="integer-field">
            <xsl:with-param name="path" select="'context_window'"/>
            <xsl:with-param name="value" select="$v/context_window"/>
            <xsl:with-param name="placeholder" select="'128000'"/>
          </xsl:call-template>
          <xsl:call-template name="integer-field">
            <xsl:with-param name="path" select="'max_output_tokens'"/>
            <xsl:with-param name="value" select="$v/max_output_tokens"/>
            <xsl:with-param name="placeholder" select="'4096'"/>
          </xsl:call-template>
          <xsl:call-template name="textarea-field">
            <xsl:with-param name="path" select="'changelog'"/>
            <xsl:with-param name="value" select="$v/changelog"/>
            <xsl:with-param name="rows" select="3"/>
            <xsl:with-param name="maxlength" select="5000"/>
            <xsl:with-param name="hint" select='mkt:tr("What this version brings, for the people who use the service.")'/>
          </xsl:call-template>
          <xsl:call-template name="textarea-field">
            <xsl:with-param name="path" select="'contract'"/>
            <xsl:with-param name="value" select="$v/contract"/>
            <xsl:with-param name="rows" select="18"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="code" select="true()"/>
            <xsl:with-param name="hint" select='mkt:tr("OpenAPI 3.1 document, JSON or YAML. An example request body in it lets the pipeline test the endpoint.")'/>
          </xsl:call-template>
        </div>
      </fieldset>

      <div class="form-actions">
        <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Register and run the pipeline")'/></button>
        <a class="button" href="/publish"><xsl:value-of select='mkt:tr("Cancel")'/></a>
      </div>
    </form>
  </xsl:template>

  <!-- ===== Form field helpers: ids are f-NAME (control), h-NAME (hint) and e-NAME (error) ===== -->

  <!-- The form field name for a dotted path of the document ("sla.max_latency_ms" gives "max_latency_ms"), or
       nothing when the form has no such field (pricing tiers exist only in the JSON API). -->
  <xsl:template name="flat-name">
    <xsl:param name="path"/>
    <xsl:variable name="flat">
      <xsl:choose>
        <xsl:when test="$path = 'endpoint.url' or $path = 'endpoint.protocol'"><xsl:value-of select="translate($path, '.', '_')"/></xsl:when>
        <xsl:when test="$path = 'compliance.level'">compliance_level</xsl:when>
        <xsl:when test="contains($path, '.')"><xsl:value-of select="substring-after($path, '.')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$path"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="contains(' provider name slug description category tags capabilities endpoint_url endpoint_protocol auth_method auth_header credential currency input_per_mtok output_per_mtok per_request subscription_monthly availability_pct max_latency_ms support compliance_level certifications data_residency data_retention_days training_use version changelog context_window max_output_tokens contract ', concat(' ', $flat, ' '))">
      <xsl:value-of select="$flat"/>
    </xsl:if>
  </xsl:template>

  <!-- A field's label, by its dotted path (the error summary names fields the same way). -->
  <xsl:template name="field-label">
    <xsl:param name="path"/>
    <xsl:choose>
      <xsl:when test="$path = 'provider'"><xsl:value-of select='mkt:tr("Provider")'/></xsl:when>
      <xsl:when test="$path = 'name'"><xsl:value-of select='mkt:tr("Name")'/></xsl:when>
      <xsl:when test="$path = 'slug'"><xsl:value-of select='mkt:tr("Slug")'/></xsl:when>
      <xsl:when test="$path = 'description'"><xsl:value-of select='mkt:tr("Description")'/></xsl:when>
      <xsl:when test="$path = 'category'"><xsl:value-of select='mkt:tr("Category")'/></xsl:when>
      <xsl:when test="$path = 'tags'"><xsl:value-of select='mkt:tr("Tags")'/></xsl:when>
      <xsl:when test="$path = 'capabilities'"><xsl:value-of select='mkt:tr("Capabilities")'/></xsl:when>
      <xsl:when test="$path = 'endpoint.url'"><xsl:value-of select='mkt:tr("Endpoint URL")'/></xsl:when>
      <xsl:when test="$path = 'endpoint.protocol'"><xsl:value-of select='mkt:tr("Protocol")'/></xsl:when>
      <xsl:when test="$path = 'endpoint.auth_method'"><xsl:value-of select='mkt:tr("Authentication")'/></xsl:when>
      <xsl:when test="$path = 'endpoint.auth_header'"><xsl:value-of select='mkt:tr("Header name")'/></xsl:when>
      <xsl:when test="$path = 'endpoint.credential'"><xsl:value-of select='mkt:tr("Credential")'/></xsl:when>
      <xsl:when test="$path = 'pricing.currency'"><xsl:value-of select='mkt:tr("Currency")'/></xsl:when>
      <xsl:when test="$path = 'pricing.input_per_mtok'"><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></xsl:when>
      <xsl:when test="$path = 'pricing.output_per_mtok'"><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></xsl:when>
      <xsl:when test="$path = 'pricing.per_request'"><xsl:value-of select='mkt:tr("Per request")'/></xsl:when>
      <xsl:when test="$path = 'pricing.subscription_monthly'"><xsl:value-of select='mkt:tr("Monthly subscription")'/></xsl:when>
      <xsl:when test="starts-with($path, 'pricing.tiers')"><xsl:value-of select='mkt:tr("Pricing tiers")'/></xsl:when>
      <xsl:when test="$path = 'sla.availability_pct'"><xsl:value-of select='mkt:tr("Availability (%)")'/></xsl:when>
      <xsl:when test="$path = 'sla.max_latency_ms'"><xsl:value-of select='mkt:tr("Maximum latency (ms)")'/></xsl:when>
      <xsl:when test="$path = 'sla.support'"><xsl:value-of select='mkt:tr("Support")'/></xsl:when>
      <xsl:when test="$path = 'compliance.level'"><xsl:value-of select='mkt:tr("Compliance level")'/></xsl:when>
      <xsl:when test="$path = 'compliance.certifications'"><xsl:value-of select='mkt:tr("Certifications")'/></xsl:when>
      <xsl:when test="$path = 'compliance.data_residency'"><xsl:value-of select='mkt:tr("Data residency")'/></xsl:when>
      <xsl:when test="$path = 'compliance.data_retention_days'"><xsl:value-of select='mkt:tr("Data retention (days)")'/></xsl:when>
      <xsl:when test="$path = 'compliance.training_use'"><xsl:value-of select='mkt:tr("The provider may use requests to train models")'/></xsl:when>
      <xsl:when test="$path = 'version'"><xsl:value-of select='mkt:tr("Version")'/></xsl:when>
      <xsl:when test="$path = 'changelog'"><xsl:value-of select='mkt:tr("Changelog")'/></xsl:when>
      <xsl:when test="$path = 'context_window'"><xsl:value-of select='mkt:tr("Context window (tokens)")'/></xsl:when>
      <xsl:when test="$path = 'max_output_tokens'"><xsl:value-of select='mkt:tr("Max output tokens")'/></xsl:when>
      <xsl:when test="$path = 'contract'"><xsl:value-of select='mkt:tr("Contract")'/></xsl:when>
      <xsl:when test="$path = 'body'"><xsl:value-of select='mkt:tr("Form")'/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$path"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The class of a field's wrapper: "field", wide or not, marked when it has an error. -->
  <xsl:template name="field-class">
    <xsl:param name="path"/>
    <xsl:param name="extra" select="''"/>
    <xsl:attribute name="class">
      <xsl:value-of select="concat('field', $extra)"/>
      <xsl:if test="$errors[name = $path]"> field-invalid</xsl:if>
    </xsl:attribute>
  </xsl:template>

  <xsl:template name="field-label-element">
    <xsl:param name="path"/>
    <xsl:param name="required" select="false()"/>
    <xsl:variable name="name"><xsl:call-template name="flat-name"><xsl:with-param name="path" select="$path"/></xsl:call-template></xsl:variable>
    <label for="f-{$name}">
      <xsl:call-template name="field-label"><xsl:with-param name="path" select="$path"/></xsl:call-template>
      <xsl:if test="$required"><span class="required-mark" aria-hidden="true"> *</span></xsl:if>
    </label>
  </xsl:template>

  <!-- aria-describedby (hint and error) and aria-invalid on the control; call before its children. -->
  <xsl:template name="field-aria">
    <xsl:param name="path"/>
    <xsl:param name="hint" select="false()"/>
    <xsl:variable name="name"><xsl:call-template name="flat-name"><xsl:with-param name="path" select="$path"/></xsl:call-template></xsl:variable>
    <xsl:variable name="bad" select="$errors[name = $path]"/>
    <xsl:if test="$hint or $bad">
      <xsl:attribute name="aria-describedby">
        <xsl:if test="$bad"><xsl:value-of select="concat('e-', $name)"/></xsl:if>
        <xsl:if test="$bad and $hint"><xsl:text> </xsl:text></xsl:if>
        <xsl:if test="$hint"><xsl:value-of select="concat('h-', $name)"/></xsl:if>
      </xsl:attribute>
    </xsl:if>
    <xsl:if test="$bad">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- The field's error(s) and hint under the control. -->
  <xsl:template name="field-notes">
    <xsl:param name="path"/>
    <xsl:param name="hint" select="''"/>
    <xsl:variable name="name"><xsl:call-template name="flat-name"><xsl:with-param name="path" select="$path"/></xsl:call-template></xsl:variable>
    <xsl:variable name="bad" select="$errors[name = $path]"/>
    <xsl:if test="$bad">
      <p class="field-error" id="e-{$name}">
        <span class="visually-hidden"><xsl:value-of select='mkt:tr("Error")'/><xsl:text>: </xsl:text></span>
        <xsl:for-each select="$bad">
          <xsl:if test="position() &gt; 1">; </xsl:if>
          <xsl:value-of select="reason"/>
        </xsl:for-each>
      </p>
    </xsl:if>
    <xsl:if test="string($hint) != ''">
      <p class="field-hint" id="h-{$name}"><xsl:value-of select="$hint"/></p>
    </xsl:if>
  </xsl:template>

  <!-- A one-line text input with its label, hint and error. -->
  <xsl:template name="text-field">
    <xsl:param name="path"/>
    <xsl:param name="value" select="''"/>
    <xsl:param name="type" select="'text'"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="required" select="false()"/>
    <xsl:param name="maxlength" select="''"/>
    <xsl:param name="inputmode" select="''"/>
    <xsl:param name="pattern" select="''"/>
    <xsl:param name="placeholder" select="''"/>
    <xsl:param name="autocomplete" select="''"/>
    <xsl:param name="wide" select="false()"/>
    <xsl:variable name="name"><xsl:call-template name="flat-name"><xsl:with-param name="path" select="$path"/></xsl:call-template></xsl:variable>
    <div>
      <xsl:call-template name="field-class">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="extra">
          <xsl:if test="$wide"> field-wide</xsl:if>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:call-template name="field-label-element">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="required" select="$required"/>
      </xsl:call-template>
      <input id="f-{$name}" type="{$type}" name="{$name}">
        <xsl:if test="$type != 'password'">
          <xsl:attribute name="value"><xsl:value-of select="$value"/></xsl:attribute>
        </xsl:if>
        <xsl:if test="$required"><xsl:attribute name="required">required</xsl:attribute></xsl:if>
        <xsl:if test="string($maxlength) != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$maxlength"/></xsl:attribute></xsl:if>
        <xsl:if test="$inputmode != ''"><xsl:attribute name="inputmode"><xsl:value-of select="$inputmode"/></xsl:attribute></xsl:if>
        <xsl:if test="$pattern != ''"><xsl:attribute name="pattern"><xsl:value-of select="$pattern"/></xsl:attribute></xsl:if>
        <xsl:if test="$placeholder != ''"><xsl:attribute name="placeholder"><xsl:value-of select="$placeholder"/></xsl:attribute></xsl:if>
        <xsl:if test="$autocomplete != ''"><xsl:attribute name="autocomplete"><xsl:value-of select="$autocomplete"/></xsl:attribute></xsl:if>
        <xsl:if test="$type = 'text' or $type = 'url'"><xsl:attribute name="spellcheck">false</xsl:attribute></xsl:if>
        <xsl:call-template name="field-aria">
          <xsl:with-param name="path" select="$path"/>
          <xsl:with-param name="hint" select="string($hint) != ''"/>
        </xsl:call-template>
      </input>
      <xsl:call-template name="field-notes">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="hint" select="$hint"/>
      </xsl:call-template>
    </div>
  </xsl:template>

  <!-- A decimal price (the server keeps at most 14 integer and 6 fractional digits). -->
  <xsl:template name="price-field">
    <xsl:param name="path"/>
    <xsl:param name="value"/>
    <xsl:call-template name="text-field">
      <xsl:with-param name="path" select="$path"/>
      <xsl:with-param name="value" select="$value"/>
      <xsl:with-param name="inputmode" select="'decimal'"/>
      <xsl:with-param name="pattern" select="'[0-9]{1,14}(\.[0-9]{1,6})?'"/>
      <xsl:with-param name="placeholder" select="'0.00'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="integer-field">
    <xsl:param name="path"/>
    <xsl:param name="value"/>
    <xsl:param name="placeholder" select="''"/>
    <xsl:param name="hint" select="''"/>
    <xsl:call-template name="text-field">
      <xsl:with-param name="path" select="$path"/>
      <xsl:with-param name="value" select="$value"/>
      <xsl:with-param name="inputmode" select="'numeric'"/>
      <xsl:with-param name="pattern" select="'[0-9]+'"/>
      <xsl:with-param name="placeholder" select="$placeholder"/>
      <xsl:with-param name="hint" select="$hint"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="textarea-field">
    <xsl:param name="path"/>
    <xsl:param name="value" select="''"/>
    <xsl:param name="rows" select="4"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="required" select="false()"/>
    <xsl:param name="maxlength" select="''"/>
    <xsl:param name="code" select="false()"/>
    <xsl:variable name="name"><xsl:call-template name="flat-name"><xsl:with-param name="path" select="$path"/></xsl:call-template></xsl:variable>
    <div>
      <xsl:call-template name="field-class">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="extra" select="' field-wide'"/>
      </xsl:call-template>
      <xsl:call-template name="field-label-element">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="required" select="$required"/>
      </xsl:call-template>
      <textarea id="f-{$name}" name="{$name}" rows="{$rows}">
        <xsl:if test="$code">
          <xsl:attribute name="class">code-input</xsl:attribute>
          <xsl:attribute name="spellcheck">false</xsl:attribute>
          <xsl:attribute name="autocapitalize">off</xsl:attribute>
        </xsl:if>
        <xsl:if test="$required"><xsl:attribute name="required">required</xsl:attribute></xsl:if>
        <xsl:if test="string($maxlength) != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$maxlength"/></xsl:attribute></xsl:if>
        <xsl:call-template name="field-aria">
          <xsl:with-param name="path" select="$path"/>
          <xsl:with-param name="hint" select="string($hint) != ''"/>
        </xsl:call-template>
        <xsl:value-of select="$value"/>
      </textarea>
      <xsl:call-template name="field-notes">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="hint" select="$hint"/>
      </xsl:call-template>
    </div>
  </xsl:template>

  <!-- An <option>, selected when it is the current value (or, with none, the default). -->
  <xsl:template name="option">
    <xsl:param name="value"/>
    <xsl:param name="label"/>
    <xsl:param name="current" select="''"/>
    <xsl:param name="default" select="''"/>
    <option value="{$value}">
      <xsl:if test="string($current) = string($value) or (normalize-space($current) = '' and string($default) = string($value) and string($default) != '')">
        <xsl:attribute name="selected">selected</xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$label"/>
    </option>
  </xsl:template>

  <xsl:template name="currency-options">
    <xsl:param name="current"/>
    <xsl:call-template name="option"><xsl:with-param name="value" select="'USD'"/><xsl:with-param name="label" select='mkt:tr("US dollar (USD)")'/><xsl:with-param name="current" select="$current"/><xsl:with-param name="default" select="'USD'"/></xsl:call-template>
    <xsl:call-template name="option"><xsl:with-param name="value" select="'EUR'"/><xsl:with-param name="label" select='mkt:tr("Euro (EUR)")'/><xsl:with-param name="current" select="$current"/><xsl:with-param name="default" select="'USD'"/></xsl:call-template>
    <xsl:call-template name="option"><xsl:with-param name="value" select="'GBP'"/><xsl:with-param name="label" select='mkt:tr("Pound sterling (GBP)")'/><xsl:with-param name="current" select="$current"/><xsl:with-param name="default" select="'USD'"/></xsl:call-template>
    <xsl:call-template name="option"><xsl:with-param name="value" select="'CHF'"/><xsl:with-param name="label" select='mkt:tr("Swiss franc (CHF)")'/><xsl:with-param name="current" select="$current"/><xsl:with-param name="default" select="'USD'"/></xsl:call-template>
    <xsl:call-template name="option"><xsl:with-param name="value" select="'JPY'"/><xsl:with-param name="label" select='mkt:tr("Japanese yen (JPY)")'/><xsl:with-param name="current" select="$current"/><xsl:with-param name="default" select="'USD'"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="join">
    <xsl:param name="items"/>
    <xsl:for-each select="$items">
      <xsl:if test="position() &gt; 1">, </xsl:if>
      <xsl:value-of select="."/>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
