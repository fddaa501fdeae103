<?xml version="1.0" encoding="UTF-8"?>
<!-- service.xsl: a provider's pipeline page for one service (GET /publish/services/{slug}): its facts, the
     registry's state, the current contract's operations and, per version, the pipeline's report, approval,
     history and the status changes the user may make; then the form for a new version. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    xmlns:date="http://exslt.org/dates-and-times"
    exclude-result-prefixes="mkt date">

  <xsl:import href="../common/layout.xsl"/>
  <xsl:import href="report.xsl"/>

  <xsl:variable name="may-change" select="string(/page/data/may_change) = 'true'"/>
  <xsl:variable name="csrf" select="string(/page/data/csrf)"/>

  <xsl:template name="page-title">
    <xsl:value-of select="/page/data/service/name"/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:if test="new_version">
      <div class="alert alert-error" role="alert">
        <p>
          <xsl:value-of select='mkt:tr("The new version was not published:")'/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="new_version/refusal"/>
        </p>
        <p><a href="#nv-h"><xsl:value-of select='mkt:tr("See what was wrong, next to the form")'/></a></p>
      </div>
    </xsl:if>
    <xsl:apply-templates select="service"/>
    <xsl:call-template name="operations"/>
    <xsl:call-template name="versions"/>
    <xsl:if test="$may-change">
      <xsl:call-template name="new-version-form"/>
    </xsl:if>
  </xsl:template>

  <!-- ===== The service ===== -->
  <xsl:template match="service">
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/publish"><xsl:value-of select='mkt:tr("Your services")'/></a></li>
        <li><a href="/publish/services/{slug}" aria-current="page"><xsl:value-of select="name"/></a></li>
      </ol>
    </nav>

    <header class="service-head">
      <div class="service-title">
        <h1><xsl:value-of select="name"/></h1>
        <xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template>
      </div>
      <p class="provider-line">
        <xsl:value-of select='mkt:tr("Provider")'/>
        <xsl:text>: </xsl:text>
        <strong><xsl:value-of select="provider/name"/></strong>
        <xsl:call-template name="verified"><xsl:with-param name="flag" select="provider/verified"/></xsl:call-template>
        <span class="sep" aria-hidden="true"> · </span>
        <code><xsl:value-of select="slug"/></code>
        <xsl:if test="status = 'active' or status = 'deprecated'">
          <span class="sep" aria-hidden="true"> · </span>
          <a href="/services/{slug}"><xsl:value-of select='mkt:tr("See it in the catalog")'/></a>
        </xsl:if>
      </p>
      <xsl:if test="normalize-space(description) != ''">
        <p class="lead"><xsl:value-of select="description"/></p>
      </xsl:if>
    </header>

    <div class="service-grid">
      <section class="card" aria-labelledby="overview-h">
        <h2 id="overview-h"><xsl:value-of select='mkt:tr("Overview")'/></h2>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Category")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(category_name) != ''"><xsl:value-of select="category_name"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="category"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Registered")'/></dt>
            <dd><xsl:call-template name="date"><xsl:with-param name="value" select="created_at"/></xsl:call-template></dd>
          </div>
        </dl>
        <xsl:if test="capabilities/item">
          <h3 class="card-subhead"><xsl:value-of select='mkt:tr("Capabilities")'/></h3>
          <xsl:call-template name="chips"><xsl:with-param name="tags" select="capabilities/item/name"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="tags/item">
          <h3 class="card-subhead"><xsl:value-of select='mkt:tr("Tags")'/></h3>
          <xsl:call-template name="chips"><xsl:with-param name="tags" select="tags/item"/></xsl:call-template>
        </xsl:if>
      </section>

      <section class="card" aria-labelledby="endpoint-h">
        <h2 id="endpoint-h"><xsl:value-of select='mkt:tr("Endpoint")'/></h2>
        <dl class="facts facts-wrap">
          <div>
            <dt><xsl:value-of select='mkt:tr("URL")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(endpoint/url) != ''"><code class="url"><xsl:value-of select="endpoint/url"/></code></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Protocol")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="endpoint/protocol = 'openai'"><xsl:value-of select='mkt:tr("OpenAI-compatible API")'/></xsl:when>
                <xsl:when test="endpoint/protocol = 'rest'"><xsl:value-of select='mkt:tr("Other REST API")'/></xsl:when>
                <xsl:when test="normalize-space(endpoint/protocol) != ''"><xsl:value-of select="endpoint/protocol"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Authentication")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="endpoint/auth_method = 'none'"><xsl:value-of select='mkt:tr("None")'/></xsl:when>
                <xsl:when test="endpoint/auth_method = 'bearer'"><xsl:value-of select='mkt:tr("Bearer token")'/></xsl:when>
                <xsl:when test="endpoint/auth_method = 'header'">
                  <xsl:value-of select='mkt:tr("API key in a header")'/>
                  <xsl:if test="normalize-space(endpoint/auth_header) != ''">
                    <xsl:text> </xsl:text>
                    <code><xsl:value-of select="endpoint/auth_header"/></code>
                  </xsl:if>
                </xsl:when>
                <xsl:when test="normalize-space(endpoint/auth_method) != ''"><xsl:value-of select="endpoint/auth_method"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Credential stored")'/></dt>
            <dd>
              <xsl:call-template name="yes-no"><xsl:with-param name="flag" select="has_credential"/></xsl:call-template>
              <xsl:if test="string(has_credential) = 'true'">
                <span class="fact-note"><xsl:value-of select='mkt:tr("encrypted, never shown")'/></span>
              </xsl:if>
            </dd>
          </div>
        </dl>
      </section>

      <section class="card" aria-labelledby="sla-h">
        <h2 id="sla-h"><xsl:value-of select='mkt:tr("Service level and compliance")'/></h2>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Availability")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="string(number(sla/availability_pct)) != 'NaN'">
                  <xsl:call-template name="decimal"><xsl:with-param name="value" select="sla/availability_pct"/></xsl:call-template>
                  <xsl:text> %</xsl:text>
                </xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Maximum latency")'/></dt>
            <dd>
              <xsl:call-template name="number"><xsl:with-param name="value" select="sla/max_latency_ms"/></xsl:call-template>
              <xsl:if test="normalize-space(sla/max_latency_ms) != ''"> ms</xsl:if>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Support")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="sla/support = 'best-effort'"><xsl:value-of select='mkt:tr("Best effort")'/></xsl:when>
                <xsl:when test="sla/support = 'business-hours'"><xsl:value-of select='mkt:tr("Business hours")'/></xsl:when>
                <xsl:when test="sla/support = '24x7'"><xsl:value-of select='mkt:tr("Around the clock (24×7)")'/></xsl:when>
                <xsl:when test="normalize-space(sla/support) != ''"><xsl:value-of select="sla/support"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Compliance level")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="compliance_level = 'public'"><xsl:value-of select='mkt:tr("Public data")'/></xsl:when>
                <xsl:when test="compliance_level = 'internal'"><xsl:value-of select='mkt:tr("Internal data")'/></xsl:when>
                <xsl:when test="compliance_level = 'confidential'"><xsl:value-of select='mkt:tr("Confidential data")'/></xsl:when>
                <xsl:when test="normalize-space(compliance_level) != ''"><xsl:value-of select="compliance_level"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Certifications")'/></dt>
            <dd><xsl:call-template name="word-list"><xsl:with-param name="items" select="certifications/item"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Data residency")'/></dt>
            <dd><xsl:call-template name="word-list"><xsl:with-param name="items" select="data_residency/item"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Data retention")'/></dt>
            <dd>
              <xsl:call-template name="number"><xsl:with-param name="value" select="data_retention_days"/></xsl:call-template>
              <xsl:if test="normalize-space(data_retention_days) != ''">
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("days")'/>
              </xsl:if>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Requests used for training")'/></dt>
            <dd><xsl:call-template name="yes-no"><xsl:with-param name="flag" select="training_use"/></xsl:call-template></dd>
          </div>
        </dl>
      </section>

      <section class="card" aria-labelledby="registry-h">
        <h2 id="registry-h"><xsl:value-of select='mkt:tr("LLM Registry")'/></h2>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Status")'/></dt>
            <dd><xsl:call-template name="registry-status"><xsl:with-param name="status" select="registry_status"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Registry ID")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(registry_id) != ''"><code class="hash"><xsl:value-of select="registry_id"/></code></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("not registered yet")'/></xsl:call-template></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Last synchronised")'/></dt>
            <dd>
              <xsl:call-template name="datetime">
                <xsl:with-param name="value" select="registry_synced_at"/>
                <xsl:with-param name="none" select='mkt:tr("never")'/>
              </xsl:call-template>
            </dd>
          </div>
          <xsl:for-each select="provenance/*[normalize-space(.) != '']">
            <div>
              <dt>
                <xsl:choose>
                  <xsl:when test="@key"><xsl:value-of select="@key"/></xsl:when>
                  <xsl:otherwise><xsl:value-of select="translate(local-name(), '_', ' ')"/></xsl:otherwise>
                </xsl:choose>
              </dt>
              <dd class="fact-text"><xsl:value-of select="."/></dd>
            </div>
          </xsl:for-each>
        </dl>
        <xsl:if test="normalize-space(registry_error) != ''">
          <div class="alert alert-error registry-error">
            <p>
              <strong><xsl:value-of select='mkt:tr("The registry reported an error")'/></strong>
              <xsl:text>: </xsl:text>
              <xsl:value-of select="registry_error"/>
            </p>
          </div>
        </xsl:if>
      </section>
    </div>
  </xsl:template>

  <!-- ===== The current contract's operations ===== -->
  <xsl:template name="operations">
    <section class="publish-section" aria-labelledby="ops-h">
      <h2 id="ops-h"><xsl:value-of select='mkt:tr("Operations of the current contract")'/></h2>
      <xsl:choose>
        <xsl:when test="operations/item">
          <div class="table-wrap" role="region" aria-labelledby="ops-h" tabindex="0">
            <table class="data-table compact operations-table">
              <caption class="visually-hidden"><xsl:value-of select='mkt:tr("Operations of the current contract")'/></caption>
              <thead>
                <tr>
                  <th scope="col"><xsl:value-of select='mkt:tr("Method")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Path")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Operation ID")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Summary")'/></th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="operations/item">
                  <tr>
                    <td><span class="http-method"><xsl:value-of select="method"/></span></td>
                    <th scope="row">
                      <code><xsl:value-of select="path"/></code>
                      <xsl:if test="string(deprecated) = 'true'">
                        <xsl:text> </xsl:text>
                        <span class="badge badge-deprecated"><xsl:value-of select='mkt:tr("Deprecated")'/></span>
                      </xsl:if>
                    </th>
                    <td>
                      <xsl:choose>
                        <xsl:when test="normalize-space(operation_id) != ''"><code><xsl:value-of select="operation_id"/></code></xsl:when>
                        <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="normalize-space(summary) != ''"><xsl:value-of select="summary"/></xsl:when>
                        <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                      </xsl:choose>
                    </td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise>
          <p class="muted"><xsl:value-of select='mkt:tr("The current version has no contract on file.")'/></p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- ===== The versions, newest first ===== -->
  <xsl:template name="versions">
    <section class="publish-section" aria-labelledby="versions-h">
      <h2 id="versions-h">
        <xsl:value-of select='mkt:tr("Versions")'/>
        <span class="caption-count">
          <xsl:text> (</xsl:text>
          <xsl:value-of select="count(versions/item)"/>
          <xsl:text>)</xsl:text>
        </span>
      </h2>
      <xsl:choose>
        <xsl:when test="versions/item">
          <xsl:apply-templates select="versions/item" mode="version"/>
        </xsl:when>
        <xsl:otherwise>
          <div class="empty-state"><p><xsl:value-of select='mkt:tr("This service has no version yet.")'/></p></div>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="item" mode="version">
    <xsl:variable name="slug" select="string(/page/data/service/slug)"/>
    <xsl:variable name="enc">
      <xsl:call-template name="url-encode"><xsl:with-param name="value" select="version"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="base" select="concat('/publish/services/', $slug, '/versions/', $enc)"/>
    <xsl:variable name="vid" select="concat('v', position())"/>
    <xsl:variable name="currency" select="string(currency)"/>

    <article class="card version-card" id="version-{position()}" aria-labelledby="{$vid}-h">
      <header class="version-head">
        <h3 id="{$vid}-h">
          <xsl:value-of select='mkt:tr("Version")'/>
          <xsl:text> </xsl:text>
          <span class="version-number"><xsl:value-of select="version"/></span>
        </h3>
        <xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template>
        <xsl:if test="position() = 1">
          <span class="version-newest"><xsl:value-of select='mkt:tr("newest")'/></span>
        </xsl:if>
      </header>

      <div class="version-grid">
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Submitted")'/></dt>
            <dd><xsl:call-template name="datetime"><xsl:with-param name="value" select="created_at"/></xsl:call-template></dd>
          </div>
          <!-- published_at is set when the version is stored, also for one that never went live. -->
          <xsl:if test="status != 'pending_approval' and status != 'failed_validation'">
            <div>
              <dt><xsl:value-of select='mkt:tr("Published")'/></dt>
              <dd>
                <xsl:call-template name="datetime">
                  <xsl:with-param name="value" select="published_at"/>
                  <xsl:with-param name="none" select='mkt:tr("not published")'/>
                </xsl:call-template>
              </dd>
            </div>
          </xsl:if>
          <xsl:if test="normalize-space(deprecated_at) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Deprecated")'/></dt>
              <dd><xsl:call-template name="datetime"><xsl:with-param name="value" select="deprecated_at"/></xsl:call-template></dd>
            </div>
          </xsl:if>
          <xsl:if test="normalize-space(sunset_at) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Sunset")'/></dt>
              <dd><xsl:call-template name="date"><xsl:with-param name="value" select="sunset_at"/></xsl:call-template></dd>
            </div>
          </xsl:if>
          <div>
            <dt><xsl:value-of select='mkt:tr("Contract")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(contract_sha256) != ''">
                  <a href="{$base}/contract" type="application/json"><xsl:value-of select='mkt:tr("OpenAPI document (JSON)")'/></a>
                </xsl:when>
                <xsl:otherwise><xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("no contract on file")'/></xsl:call-template></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
        </dl>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></dt>
            <dd><xsl:call-template name="price"><xsl:with-param name="value" select="input_per_mtok"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></dt>
            <dd><xsl:call-template name="price"><xsl:with-param name="value" select="output_per_mtok"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Per request")'/></dt>
            <dd><xsl:call-template name="price"><xsl:with-param name="value" select="per_request"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Monthly subscription")'/></dt>
            <dd><xsl:call-template name="price"><xsl:with-param name="value" select="subscription_monthly"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></dd>
          </div>
        </dl>
      </div>

      <xsl:if test="normalize-space(contract_sha256) != '' and not(report/contract/sha256)">
        <p class="hash-line">
          <xsl:value-of select='mkt:tr("SHA-256 of the contract")'/>
          <xsl:text>: </xsl:text>
          <code class="hash"><xsl:value-of select="contract_sha256"/></code>
        </p>
      </xsl:if>

      <xsl:if test="tiers/item">
        <xsl:call-template name="tiers">
          <xsl:with-param name="vid" select="$vid"/>
          <xsl:with-param name="currency" select="$currency"/>
        </xsl:call-template>
      </xsl:if>

      <xsl:if test="normalize-space(changelog) != ''">
        <h4 class="version-subhead"><xsl:value-of select='mkt:tr("Changelog")'/></h4>
        <p class="changelog"><xsl:value-of select="changelog"/></p>
      </xsl:if>

      <xsl:apply-templates select="approval[not(@null)]"/>

      <!-- The pipeline and the history: open for the newest version and for one that needs something done. -->
      <details class="version-more">
        <xsl:if test="position() = 1 or status = 'failed_validation' or status = 'pending_approval'">
          <xsl:attribute name="open">open</xsl:attribute>
        </xsl:if>
        <summary>
          <h4 class="version-subhead"><xsl:value-of select='mkt:tr("Publishing pipeline and history")'/></h4>
          <xsl:text> </xsl:text>
          <xsl:variable name="failed" select="count(report/*[string(ok) = 'false'])"/>
          <span class="details-state">
            <xsl:choose>
              <xsl:when test="not(report/*)"><xsl:value-of select='mkt:tr("imported")'/></xsl:when>
              <xsl:when test="$failed &gt; 0">
                <xsl:attribute name="class">details-state details-failed</xsl:attribute>
                <xsl:value-of select='mkt:tr("failed")'/>
              </xsl:when>
              <xsl:otherwise>
                <xsl:attribute name="class">details-state details-ok</xsl:attribute>
                <xsl:value-of select='mkt:tr("passed")'/>
              </xsl:otherwise>
            </xsl:choose>
          </span>
        </summary>
      <xsl:call-template name="pipeline-report">
        <xsl:with-param name="report" select="report"/>
      </xsl:call-template>

      <xsl:if test="history/item">
        <div class="table-wrap history-wrap">
          <table class="data-table compact history-table">
            <caption><xsl:value-of select='mkt:tr("Status history")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("When")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("From")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("To")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("By")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Reason")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="history/item">
                <tr>
                  <th scope="row"><xsl:call-template name="datetime"><xsl:with-param name="value" select="at"/></xsl:call-template></th>
                  <td>
                    <xsl:choose>
                      <xsl:when test="normalize-space(from) != ''"><xsl:call-template name="badge-status"><xsl:with-param name="status" select="from"/></xsl:call-template></xsl:when>
                      <xsl:otherwise><xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("submitted")'/></xsl:call-template></xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:call-template name="badge-status"><xsl:with-param name="status" select="to"/></xsl:call-template></td>
                  <td>
                    <xsl:choose>
                      <xsl:when test="normalize-space(actor) != ''"><xsl:value-of select="actor"/></xsl:when>
                      <xsl:otherwise><span class="muted"><xsl:value-of select='mkt:tr("the marketplace")'/></span></xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td class="cell-reason">
                    <xsl:choose>
                      <xsl:when test="normalize-space(reason) != ''"><xsl:value-of select="reason"/></xsl:when>
                      <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                    </xsl:choose>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
      </details>

      <xsl:if test="$may-change and (actions/item or status = 'failed_validation')">
        <div class="version-actions">
          <h4 class="version-subhead"><xsl:value-of select='mkt:tr("Change this version")'/></h4>
          <xsl:if test="status = 'failed_validation'">
            <form method="post" action="{$base}/retest" class="action-form">
              <input type="hidden" name="csrf" value="{$csrf}"/>
              <p class="field-hint"><xsl:value-of select='mkt:tr("Once the endpoint is repaired: the tests run again against the same contract.")'/></p>
              <button type="submit" class="button button-primary button-small"><xsl:value-of select='mkt:tr("Test the endpoint again")'/></button>
            </form>
          </xsl:if>
          <xsl:for-each select="actions/item">
            <xsl:call-template name="status-form">
              <xsl:with-param name="to" select="string(.)"/>
              <xsl:with-param name="action" select="concat($base, '/status')"/>
              <xsl:with-param name="id" select="concat($vid, '-', string(.))"/>
            </xsl:call-template>
          </xsl:for-each>
        </div>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- The approval of a version: waiting, approved or rejected. -->
  <xsl:template match="approval">
    <xsl:variable name="d" select="string(decision)"/>
    <div>
      <xsl:attribute name="class">
        <xsl:choose>
          <xsl:when test="$d = 'approved'">approval-state approval-approved</xsl:when>
          <xsl:when test="$d = 'rejected'">approval-state approval-rejected</xsl:when>
          <xsl:otherwise>approval-state approval-waiting</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <p class="approval-line">
        <strong>
          <xsl:choose>
            <xsl:when test="$d = 'approved'"><xsl:value-of select='mkt:tr("Approved")'/></xsl:when>
            <xsl:when test="$d = 'rejected'"><xsl:value-of select='mkt:tr("Rejected")'/></xsl:when>
            <xsl:otherwise><xsl:value-of select='mkt:tr("Waiting for an administrator to approve it")'/></xsl:otherwise>
          </xsl:choose>
        </strong>
        <xsl:text> · </xsl:text>
        <xsl:choose>
          <xsl:when test="$d = 'approved' or $d = 'rejected'">
            <xsl:call-template name="datetime"><xsl:with-param name="value" select="decided_at"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select='mkt:tr("asked")'/>
            <xsl:text> </xsl:text>
            <xsl:call-template name="datetime"><xsl:with-param name="value" select="requested_at"/></xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </p>
      <xsl:if test="normalize-space(reason) != ''">
        <p class="approval-reason">
          <xsl:value-of select='mkt:tr("Reason")'/>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="reason"/>
        </p>
      </xsl:if>
      <xsl:if test="$d != 'approved' and $d != 'rejected' and reasons/item and not(../report/approval/reasons/item)">
        <p class="approval-why"><xsl:value-of select='mkt:tr("Why it needs approval:")'/></p>
        <xsl:call-template name="report-violations">
          <xsl:with-param name="items" select="reasons/item"/>
          <xsl:with-param name="severity" select="false()"/>
        </xsl:call-template>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- One status change: a small form with the status, a reason and, to deprecate, the sunset date. -->
  <xsl:template name="status-form">
    <xsl:param name="to"/>
    <xsl:param name="action"/>
    <xsl:param name="id"/>
    <form method="post" action="{$action}" class="action-form">
      <input type="hidden" name="csrf" value="{$csrf}"/>
      <input type="hidden" name="status" value="{$to}"/>
      <xsl:if test="$to = 'deprecated'">
        <div class="field">
          <label for="{$id}-sunset"><xsl:value-of select='mkt:tr("Sunset date")'/><span class="required-mark" aria-hidden="true"> *</span></label>
          <input id="{$id}-sunset" type="date" name="sunset" required="required" aria-describedby="{$id}-sunset-h">
            <xsl:if test="function-available('date:add') and function-available('date:date')">
              <xsl:attribute name="min"><xsl:value-of select="substring(date:add(date:date(), 'P1D'), 1, 10)"/></xsl:attribute>
            </xsl:if>
          </input>
        </div>
      </xsl:if>
      <div class="field">
        <label for="{$id}-reason"><xsl:value-of select='mkt:tr("Reason (optional)")'/></label>
        <input id="{$id}-reason" type="text" name="reason" maxlength="2000"/>
      </div>
      <button type="submit">
        <xsl:attribute name="class">
          <xsl:choose>
            <xsl:when test="$to = 'retired' or $to = 'suspended'">button button-small button-danger</xsl:when>
            <xsl:otherwise>button button-small</xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
        <xsl:choose>
          <xsl:when test="$to = 'deprecated'"><xsl:value-of select='mkt:tr("Deprecate")'/></xsl:when>
          <xsl:when test="$to = 'retired'"><xsl:value-of select='mkt:tr("Retire")'/></xsl:when>
          <xsl:when test="$to = 'suspended'"><xsl:value-of select='mkt:tr("Suspend")'/></xsl:when>
          <xsl:when test="$to = 'active'"><xsl:value-of select='mkt:tr("Resume")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$to"/></xsl:otherwise>
        </xsl:choose>
      </button>
      <xsl:if test="$to = 'deprecated'">
        <p class="field-hint" id="{$id}-sunset-h"><xsl:value-of select='mkt:tr("The sunset date is a day after today at the earliest; until then the version stays usable.")'/></p>
      </xsl:if>
    </form>
  </xsl:template>

  <!-- Pricing tiers of a version (only the JSON API sets them). -->
  <xsl:template name="tiers">
    <xsl:param name="vid"/>
    <xsl:param name="currency"/>
    <div class="table-wrap">
      <table class="data-table compact">
        <caption><xsl:value-of select='mkt:tr("Pricing tiers")'/></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Tier")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Per month")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Requests per minute")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Tokens per minute")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="tiers/item">
            <tr>
              <th scope="row">
                <xsl:value-of select="name"/>
                <xsl:if test="normalize-space(description) != ''">
                  <span class="provider"><xsl:value-of select="description"/></span>
                </xsl:if>
              </th>
              <td class="num"><xsl:call-template name="price"><xsl:with-param name="value" select="price_monthly"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="price"><xsl:with-param name="value" select="input_per_mtok"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="price"><xsl:with-param name="value" select="output_per_mtok"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="requests_per_minute"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="tokens_per_minute"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <!-- ===== A new version ===== -->
  <xsl:template name="new-version-form">
    <xsl:variable name="slug" select="string(service/slug)"/>
    <xsl:variable name="newest" select="versions/item[1]"/>
    <xsl:variable name="nv" select="new_version"/>
    <xsl:variable name="sent" select="new_version/values"/>
    <section class="card publish-section new-version" aria-labelledby="nv-h">
      <h2 id="nv-h"><xsl:value-of select='mkt:tr("Publish a new version")'/></h2>
      <xsl:if test="$nv">
        <div class="alert alert-error error-summary" role="alert">
          <p class="error-summary-reason"><xsl:value-of select="$nv/refusal"/></p>
          <xsl:if test="$nv/errors/item">
            <ul>
              <xsl:for-each select="$nv/errors/item">
                <li><code><xsl:value-of select="name"/></code><xsl:text>: </xsl:text><xsl:value-of select="reason"/></li>
              </xsl:for-each>
            </ul>
          </xsl:if>
          <xsl:if test="$nv/report">
            <xsl:call-template name="pipeline-report">
              <xsl:with-param name="report" select="$nv/report"/>
            </xsl:call-template>
          </xsl:if>
        </div>
      </xsl:if>
      <p class="muted"><xsl:value-of select='mkt:tr("A published version never changes: a new contract or new prices make a new version, which goes through the whole pipeline. Breaking changes to the contract need a new major version.")'/></p>
      <form method="post" action="/publish/services/{$slug}/versions" class="publish-form" accept-charset="UTF-8">
        <input type="hidden" name="csrf" value="{$csrf}"/>
        <div class="form-grid">
          <div class="field">
            <label for="nv-version"><xsl:value-of select='mkt:tr("Version")'/><span class="required-mark" aria-hidden="true"> *</span></label>
            <input id="nv-version" type="text" name="version" value="{$sent/version}" required="required" maxlength="128" autocomplete="off" spellcheck="false" aria-describedby="nv-version-h"/>
            <p class="field-hint" id="nv-version-h">
              <xsl:value-of select='mkt:tr("A semantic version, such as 1.0.0 or 2.1.0-rc.1.")'/>
              <xsl:if test="$newest">
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("The newest is")'/>
                <xsl:text> </xsl:text>
                <code><xsl:value-of select="$newest/version"/></code>
                <xsl:text>.</xsl:text>
              </xsl:if>
            </p>
          </div>
          <div class="field">
            <label for="nv-context_window"><xsl:value-of select='mkt:tr("Context window (tokens)")'/></label>
            <input id="nv-context_window" type="text" name="context_window" inputmode="numeric" pattern="[0-9]+" placeholder="128000"/>
          </div>
          <div class="field">
            <label for="nv-max_output_tokens"><xsl:value-of select='mkt:tr("Max output tokens")'/></label>
            <input id="nv-max_output_tokens" type="text" name="max_output_tokens" inputmode="numeric" pattern="[0-9]+" placeholder="4096"/>
          </div>
        </div>

        <fieldset class="form-subsection" aria-describedby="nv-pricing-h">
          <legend><xsl:value-of select='mkt:tr("Pricing")'/></legend>
          <p class="field-hint" id="nv-pricing-h"><xsl:value-of select='mkt:tr("Filled in with the newest version’s prices. Decimal numbers with at most six decimals; leave empty what does not apply.")'/></p>
          <div class="form-grid">
            <div class="field">
              <label for="nv-currency"><xsl:value-of select='mkt:tr("Currency")'/></label>
              <select id="nv-currency" name="currency">
                <xsl:call-template name="currency-option"><xsl:with-param name="code" select="'USD'"/><xsl:with-param name="label" select='mkt:tr("US dollar (USD)")'/><xsl:with-param name="current" select="$newest/currency"/></xsl:call-template>
                <xsl:call-template name="currency-option"><xsl:with-param name="code" select="'EUR'"/><xsl:with-param name="label" select='mkt:tr("Euro (EUR)")'/><xsl:with-param name="current" select="$newest/currency"/></xsl:call-template>
                <xsl:call-template name="currency-option"><xsl:with-param name="code" select="'GBP'"/><xsl:with-param name="label" select='mkt:tr("Pound sterling (GBP)")'/><xsl:with-param name="current" select="$newest/currency"/></xsl:call-template>
                <xsl:call-template name="currency-option"><xsl:with-param name="code" select="'CHF'"/><xsl:with-param name="label" select='mkt:tr("Swiss franc (CHF)")'/><xsl:with-param name="current" select="$newest/currency"/></xsl:call-template>
                <xsl:call-template name="currency-option"><xsl:with-param name="code" select="'JPY'"/><xsl:with-param name="label" select='mkt:tr("Japanese yen (JPY)")'/><xsl:with-param name="current" select="$newest/currency"/></xsl:call-template>
              </select>
            </div>
            <xsl:call-template name="nv-price">
              <xsl:with-param name="name" select="'input_per_mtok'"/>
              <xsl:with-param name="label" select='mkt:tr("Input / 1M tokens")'/>
              <xsl:with-param name="value" select="$newest/input_per_mtok[not($sent)] | $sent/pricing/input_per_mtok"/>
            </xsl:call-template>
            <xsl:call-template name="nv-price">
              <xsl:with-param name="name" select="'output_per_mtok'"/>
              <xsl:with-param name="label" select='mkt:tr("Output / 1M tokens")'/>
              <xsl:with-param name="value" select="$newest/output_per_mtok[not($sent)] | $sent/pricing/output_per_mtok"/>
            </xsl:call-template>
            <xsl:call-template name="nv-price">
              <xsl:with-param name="name" select="'per_request'"/>
              <xsl:with-param name="label" select='mkt:tr("Per request")'/>
              <xsl:with-param name="value" select="$newest/per_request[not($sent)] | $sent/pricing/per_request"/>
            </xsl:call-template>
            <xsl:call-template name="nv-price">
              <xsl:with-param name="name" select="'subscription_monthly'"/>
              <xsl:with-param name="label" select='mkt:tr("Monthly subscription")'/>
              <xsl:with-param name="value" select="$newest/subscription_monthly[not($sent)] | $sent/pricing/subscription_monthly"/>
            </xsl:call-template>
          </div>
        </fieldset>

        <div class="field field-wide">
          <label for="nv-changelog"><xsl:value-of select='mkt:tr("Changelog")'/></label>
          <textarea id="nv-changelog" name="changelog" rows="3" maxlength="5000" aria-describedby="nv-changelog-h"><xsl:value-of select="$sent/changelog"/></textarea>
          <p class="field-hint" id="nv-changelog-h"><xsl:value-of select='mkt:tr("What this version brings, for the people who use the service.")'/></p>
        </div>
        <div class="field field-wide">
          <label for="nv-contract"><xsl:value-of select='mkt:tr("Contract")'/><span class="required-mark" aria-hidden="true"> *</span></label>
          <textarea id="nv-contract" name="contract" rows="16" required="required" class="code-input" spellcheck="false" autocapitalize="off" aria-describedby="nv-contract-h"><xsl:value-of select="$sent/contract"/></textarea>
          <p class="field-hint" id="nv-contract-h"><xsl:value-of select='mkt:tr("OpenAPI 3.1 document, JSON or YAML. An example request body in it lets the pipeline test the endpoint.")'/></p>
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Publish and run the pipeline")'/></button>
        </div>
      </form>
    </section>
  </xsl:template>

  <xsl:template name="nv-price">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="value"/>
    <div class="field">
      <label for="nv-{$name}"><xsl:value-of select="$label"/></label>
      <input id="nv-{$name}" type="text" name="{$name}" value="{$value}" inputmode="decimal"
             pattern="[0-9]{{1,14}}(\.[0-9]{{1,6}})?" placeholder="0.00"/>
    </div>
  </xsl:template>

  <xsl:template name="currency-option">
    <xsl:param name="code"/>
    <xsl:param name="label"/>
    <xsl:param name="current"/>
    <option value="{$code}">
      <xsl:if test="string($current) = $code or (normalize-space($current) = '' and $code = 'USD')">
        <xsl:attribute name="selected">selected</xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$label"/>
    </option>
  </xsl:template>

  <!-- Words as a comma-separated list, or an em dash. -->
  <xsl:template name="word-list">
    <xsl:param name="items"/>
    <xsl:choose>
      <xsl:when test="$items">
        <xsl:for-each select="$items">
          <xsl:if test="position() &gt; 1">, </xsl:if>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A decimal such as "99.9" in the page language ("99,9"). -->
  <xsl:template name="decimal">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($value, '#.##0,######', 'de')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($value, '#,##0.######')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
