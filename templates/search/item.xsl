<?xml version="1.0" encoding="UTF-8"?>
<!-- item.xsl: the service page (facts, pricing, plans to subscribe to, how to call it, versions, reviews) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select="/page/data/service/name"/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:apply-templates select="service"/>
  </xsl:template>

  <xsl:template match="service">
    <xsl:variable name="currency" select="string(pricing/currency)"/>
    <!-- The latest version: the first active one (versions come newest first), else the first. -->
    <xsl:variable name="latest" select="(versions/item[status = 'active'] | versions/item[not(../item[status = 'active'])])[1]"/>

    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/services"><xsl:value-of select='mkt:tr("Catalog")'/></a></li>
        <li><a href="{links/category}"><xsl:value-of select="category/name"/></a></li>
        <li><a href="{links/self}" aria-current="page"><xsl:value-of select="name"/></a></li>
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
        <a href="{links/provider}"><xsl:value-of select="provider/name"/></a>
        <xsl:call-template name="verified">
          <xsl:with-param name="flag" select="provider/verified"/>
        </xsl:call-template>
        <!-- Only plain web links: a javascript: or data: homepage is never rendered. -->
        <xsl:if test="starts-with(provider/homepage, 'https://') or starts-with(provider/homepage, 'http://')">
          <span class="sep" aria-hidden="true"> · </span>
          <a href="{provider/homepage}" rel="external noopener noreferrer"><xsl:value-of select='mkt:tr("Provider website")'/></a>
        </xsl:if>
      </p>
      <xsl:if test="normalize-space(description) != ''">
        <p class="lead"><xsl:value-of select="description"/></p>
      </xsl:if>
    </header>

    <div class="service-grid">
      <section class="card" aria-labelledby="facts-h">
        <h2 id="facts-h"><xsl:value-of select='mkt:tr("Overview")'/></h2>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Category")'/></dt>
            <dd><a href="{links/category}"><xsl:value-of select="category/name"/></a></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Context window")'/></dt>
            <dd><xsl:call-template name="tokens"><xsl:with-param name="value" select="context_window"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Max output tokens")'/></dt>
            <dd><xsl:call-template name="tokens"><xsl:with-param name="value" select="max_output_tokens"/></xsl:call-template></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Mode")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(mode_label) != ''"><xsl:value-of select="mode_label"/></xsl:when>
                <xsl:when test="normalize-space(mode) != ''"><xsl:value-of select="mode"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Latest version")'/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="normalize-space(version) != ''"><xsl:value-of select="version"/></xsl:when>
                <xsl:when test="$latest"><xsl:value-of select="$latest/version"/></xsl:when>
                <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Last updated")'/></dt>
            <dd><xsl:call-template name="date"><xsl:with-param name="value" select="updated_at"/></xsl:call-template></dd>
          </div>
        </dl>
      </section>

      <section class="card" aria-labelledby="pricing-h">
        <h2 id="pricing-h"><xsl:value-of select='mkt:tr("Pricing")'/></h2>
        <xsl:choose>
          <xsl:when test="pricing/rates/item">
            <div class="table-wrap">
              <table class="data-table compact">
                <caption class="visually-hidden"><xsl:value-of select='mkt:tr("Pricing")'/></caption>
                <thead>
                  <tr>
                    <th scope="col"><xsl:value-of select='mkt:tr("Kind")'/></th>
                    <th scope="col"><xsl:value-of select='mkt:tr("Unit")'/></th>
                    <th scope="col" class="num"><xsl:value-of select='mkt:tr("Price")'/></th>
                  </tr>
                </thead>
                <tbody>
                  <xsl:for-each select="pricing/rates/item">
                    <tr>
                      <th scope="row"><xsl:value-of select="label"/></th>
                      <td><xsl:value-of select="unit"/></td>
                      <td class="num">
                        <xsl:call-template name="price">
                          <xsl:with-param name="value" select="price"/>
                          <xsl:with-param name="currency" select="$currency"/>
                        </xsl:call-template>
                      </td>
                    </tr>
                  </xsl:for-each>
                </tbody>
              </table>
            </div>
          </xsl:when>
          <xsl:otherwise>
            <p class="muted"><xsl:value-of select='mkt:tr("No prices have been published for this service.")'/></p>
          </xsl:otherwise>
        </xsl:choose>
      </section>
      <xsl:if test="tiers/item">
        <section class="card" aria-labelledby="tiers-h">
          <h2 id="tiers-h"><xsl:value-of select='mkt:tr("Pricing tiers")'/></h2>
          <div class="table-wrap">
            <table class="data-table compact">
              <caption class="visually-hidden"><xsl:value-of select='mkt:tr("Pricing tiers")'/></caption>
              <thead>
                <tr>
                  <th scope="col"><xsl:value-of select='mkt:tr("Plan")'/></th>
                  <th scope="col" class="num"><xsl:value-of select='mkt:tr("Per month")'/></th>
                  <th scope="col" class="num"><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></th>
                  <th scope="col" class="num"><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></th>
                  <th scope="col" class="num"><xsl:value-of select='mkt:tr("Requests per minute")'/></th>
                  <th scope="col" class="num"><xsl:value-of select='mkt:tr("Tokens per month")'/></th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="tiers/item">
                  <tr>
                    <th scope="row">
                      <xsl:value-of select="name"/>
                      <xsl:if test="normalize-space(description) != ''"><br/><span class="muted"><xsl:value-of select="description"/></span></xsl:if>
                    </th>
                    <td class="num"><xsl:call-template name="tier-price"><xsl:with-param name="value" select="price_monthly"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="tier-price"><xsl:with-param name="value" select="input_per_mtok"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="tier-price"><xsl:with-param name="value" select="output_per_mtok"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="tier-number"><xsl:with-param name="value" select="requests_per_minute"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="tier-number"><xsl:with-param name="value" select="monthly_tokens"/></xsl:call-template></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </section>
      </xsl:if>

      <xsl:if test="capabilities/item or tags/item">
        <section class="card" aria-label='{mkt:tr("Capabilities and tags")}'>
          <xsl:if test="capabilities/item">
            <h2><xsl:value-of select='mkt:tr("Capabilities")'/></h2>
            <ul class="capabilities">
              <xsl:for-each select="capabilities/item">
                <li data-capability="{name}"><xsl:value-of select="label"/></li>
              </xsl:for-each>
            </ul>
          </xsl:if>
          <xsl:if test="tags/item">
            <h2 class="card-subhead"><xsl:value-of select='mkt:tr("Tags")'/></h2>
            <xsl:call-template name="chips"><xsl:with-param name="tags" select="tags/item"/></xsl:call-template>
          </xsl:if>
        </section>
      </xsl:if>

      <section class="card" aria-labelledby="sla-h">
        <h2 id="sla-h"><xsl:value-of select='mkt:tr("Service level and compliance")'/></h2>
        <dl class="facts">
          <div>
            <dt><xsl:value-of select='mkt:tr("Availability")'/></dt>
            <dd><xsl:choose>
              <xsl:when test="normalize-space(sla/availability_pct) != ''"><xsl:value-of select="sla/availability_pct"/><xsl:text> %</xsl:text></xsl:when>
              <xsl:otherwise><span class="none" title='{mkt:tr("not promised")}'>—</span></xsl:otherwise>
            </xsl:choose></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Maximum latency")'/></dt>
            <dd><xsl:choose>
              <xsl:when test="normalize-space(sla/max_latency_ms) != ''"><xsl:call-template name="number"><xsl:with-param name="value" select="sla/max_latency_ms"/></xsl:call-template><xsl:text> ms</xsl:text></xsl:when>
              <xsl:otherwise><span class="none" title='{mkt:tr("not promised")}'>—</span></xsl:otherwise>
            </xsl:choose></dd>
          </div>
          <!-- What the gateway measured in the last 30 days, next to the promise. -->
          <div>
            <dt><xsl:value-of select='mkt:tr("Observed availability (30 days)")'/></dt>
            <dd><xsl:choose>
              <xsl:when test="normalize-space(observed/availability) != ''">
                <xsl:value-of select="observed/availability"/><xsl:text> %</xsl:text>
                <xsl:if test="normalize-space(sla/availability_pct) != ''">
                  <xsl:text> </xsl:text>
                  <xsl:call-template name="against-promise"><xsl:with-param name="kept" select="number(observed/availability) &gt;= number(sla/availability_pct)"/></xsl:call-template>
                </xsl:if>
              </xsl:when>
              <xsl:otherwise><span class="none" title='{mkt:tr("no calls measured yet")}'>—</span></xsl:otherwise>
            </xsl:choose></dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Observed p95 latency (30 days)")'/></dt>
            <dd><xsl:choose>
              <xsl:when test="normalize-space(observed/p95_latency_ms) != ''">
                <xsl:call-template name="number"><xsl:with-param name="value" select="observed/p95_latency_ms"/></xsl:call-template><xsl:text> ms</xsl:text>
                <xsl:if test="normalize-space(sla/max_latency_ms) != ''">
                  <xsl:text> </xsl:text>
                  <xsl:call-template name="against-promise"><xsl:with-param name="kept" select="number(observed/p95_latency_ms) &lt;= number(sla/max_latency_ms)"/></xsl:call-template>
                </xsl:if>
                <span class="muted">
                  <xsl:text> · </xsl:text>
                  <xsl:call-template name="number"><xsl:with-param name="value" select="observed/calls_30d"/></xsl:call-template>
                  <xsl:text> </xsl:text>
                  <xsl:value-of select='mkt:tr("calls")'/>
                </span>
              </xsl:when>
              <xsl:otherwise><span class="none" title='{mkt:tr("no calls measured yet")}'>—</span></xsl:otherwise>
            </xsl:choose></dd>
          </div>
          <xsl:if test="normalize-space(observed/p50_latency_ms) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Latency p50 / p99, first byte (30 days)")'/></dt>
              <dd>
                <xsl:call-template name="number"><xsl:with-param name="value" select="observed/p50_latency_ms"/></xsl:call-template>
                <xsl:text> / </xsl:text>
                <xsl:call-template name="number"><xsl:with-param name="value" select="observed/p99_latency_ms"/></xsl:call-template>
                <xsl:text> ms</xsl:text>
                <xsl:if test="normalize-space(observed/p50_ttfb_ms) != ''">
                  <xsl:text>, </xsl:text>
                  <xsl:call-template name="number"><xsl:with-param name="value" select="observed/p50_ttfb_ms"/></xsl:call-template>
                  <xsl:text> ms</xsl:text>
                </xsl:if>
              </dd>
            </div>
            <div>
              <dt><xsl:value-of select='mkt:tr("Errors and SLA breaches (30 days)")'/></dt>
              <dd>
                <xsl:value-of select="observed/error_rate"/><xsl:text> %</xsl:text>
                <xsl:text> · </xsl:text>
                <xsl:call-template name="number"><xsl:with-param name="value" select="observed/sla_breaches"/></xsl:call-template>
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("slower than promised")'/>
              </dd>
            </div>
          </xsl:if>
          <div>
            <dt><xsl:value-of select='mkt:tr("Compliance level")'/></dt>
            <dd><span class="badge badge-compliance-{compliance_level}"><xsl:value-of select="compliance_level"/></span></dd>
          </div>
          <xsl:if test="certifications/item">
            <div>
              <dt><xsl:value-of select='mkt:tr("Certifications")'/></dt>
              <dd><xsl:for-each select="certifications/item"><span class="chip"><xsl:value-of select="."/></span><xsl:text> </xsl:text></xsl:for-each></dd>
            </div>
          </xsl:if>
          <xsl:if test="data_residency/item">
            <div>
              <dt><xsl:value-of select='mkt:tr("Data residency")'/></dt>
              <dd><xsl:for-each select="data_residency/item"><xsl:value-of select="."/><xsl:if test="position() != last()">, </xsl:if></xsl:for-each></dd>
            </div>
          </xsl:if>
          <div>
            <dt><xsl:value-of select='mkt:tr("Trains on customer data")'/></dt>
            <dd><xsl:choose>
              <xsl:when test="training_use = 'true'"><xsl:value-of select='mkt:tr("yes")'/></xsl:when>
              <xsl:otherwise><xsl:value-of select='mkt:tr("no")'/></xsl:otherwise>
            </xsl:choose></dd>
          </div>
        </dl>
      </section>
    </div>

    <xsl:call-template name="plans"/>
    <xsl:call-template name="how-to-call"/>

    <xsl:if test="versions/item">
      <div class="versions">
        <div class="table-wrap" role="region" aria-labelledby="versions-caption" tabindex="0">
          <table class="data-table">
            <caption id="versions-caption"><xsl:value-of select='mkt:tr("Versions")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Version")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Published")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Sunset")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Context window")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="versions/item">
                <tr>
                  <th scope="row"><xsl:value-of select="version"/></th>
                  <td><xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template></td>
                  <td><xsl:call-template name="date"><xsl:with-param name="value" select="published_at"/></xsl:call-template></td>
                  <td>
                    <xsl:call-template name="date">
                      <xsl:with-param name="value" select="sunset_at"/>
                      <xsl:with-param name="none" select='mkt:tr("no sunset scheduled")'/>
                    </xsl:call-template>
                  </td>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="context_window"/></xsl:call-template></td>
                  <td class="num">
                    <xsl:call-template name="price">
                      <xsl:with-param name="value" select="input_per_mtok"/>
                      <xsl:with-param name="currency" select="$currency"/>
                    </xsl:call-template>
                  </td>
                  <td class="num">
                    <xsl:call-template name="price">
                      <xsl:with-param name="value" select="output_per_mtok"/>
                      <xsl:with-param name="currency" select="$currency"/>
                    </xsl:call-template>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </div>
    </xsl:if>

    <xsl:if test="operations/item">
      <div class="table-wrap operations" role="region" aria-labelledby="ops-caption" tabindex="0">
        <table class="data-table compact">
          <caption id="ops-caption"><xsl:value-of select='mkt:tr("Operations of the contract")'/></caption>
          <thead>
            <tr>
              <th scope="col"><xsl:value-of select='mkt:tr("Method")'/></th>
              <th scope="col"><xsl:value-of select='mkt:tr("Path")'/></th>
              <th scope="col"><xsl:value-of select='mkt:tr("Summary")'/></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="operations/item">
              <tr>
                <td><code><xsl:value-of select="method"/></code></td>
                <th scope="row"><code><xsl:value-of select="path"/></code></th>
                <td><xsl:value-of select="summary"/><xsl:if test="deprecated = 'true'"><xsl:text> </xsl:text><span class="badge badge-deprecated"><xsl:value-of select='mkt:tr("deprecated")'/></span></xsl:if></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>

    <xsl:call-template name="reviews"/>
    <xsl:apply-templates select="recommendations[item]"/>
  </xsl:template>

  <!-- ===== Plans (cgi/search/catalog.c, build_plans): what a subscription allows, and the form to take one ===== -->
  <xsl:template name="plans">
    <xsl:variable name="slug" select="string(slug)"/>
    <xsl:variable name="signed-in" select="boolean(/page/meta/user)"/>
    <xsl:variable name="held" select="subscribe/subscriptions/item"/>
    <xsl:variable name="org" select="string(subscribe/organization)"/>
    <!-- One live subscription per person and per organisation: offer only what is not taken. -->
    <xsl:variable name="can-me" select="$signed-in and not($held[for_organization = 'false'])"/>
    <xsl:variable name="can-org" select="$signed-in and $org != '' and not($held[for_organization = 'true'])"/>
    <xsl:variable name="confidential" select="compliance_level = 'confidential'"/>
    <section class="card plans" id="plans" aria-labelledby="plans-h">
      <h2 id="plans-h"><xsl:value-of select='mkt:tr("Plans")'/></h2>
      <p class="muted"><xsl:value-of select='mkt:tr("A plan sets how much you may call the service through the gateway; each call is charged at the prices above.")'/></p>
      <xsl:if test="$held">
        <div class="callout callout-attention">
          <p>
            <xsl:value-of select='mkt:tr("You subscribe to this service:")'/>
            <xsl:text> </xsl:text>
            <xsl:for-each select="$held">
              <strong><xsl:value-of select="plan"/></strong>
              <xsl:text> (</xsl:text>
              <xsl:choose>
                <xsl:when test="for_organization = 'true'"><xsl:value-of select='mkt:tr("for your organisation")'/></xsl:when>
                <xsl:otherwise><xsl:value-of select='mkt:tr("for you")'/></xsl:otherwise>
              </xsl:choose>
              <xsl:text>) </xsl:text>
              <xsl:call-template name="badge-subscription"/>
              <xsl:if test="position() != last()"><xsl:text>; </xsl:text></xsl:if>
            </xsl:for-each>
            <xsl:text> </xsl:text>
            <a href="/subscriptions"><xsl:value-of select='mkt:tr("Your subscriptions")'/></a>
            <span class="sep" aria-hidden="true"> · </span>
            <a href="/keys"><xsl:value-of select='mkt:tr("API keys")'/></a>
          </p>
        </div>
      </xsl:if>
      <xsl:if test="subscribe/manage = 'true'">
        <p>
          <a href="/subscriptions/subscribers?service={$slug}"><xsl:value-of select='mkt:tr("Subscribers of this service")'/></a>
        </p>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="plans/item">
          <ul class="plan-list">
            <xsl:for-each select="plans/item">
              <xsl:variable name="pid" select="concat('plan-', slug)"/>
              <xsl:variable name="currency" select="string(currency)"/>
              <li class="plan-card" id="{$pid}">
                <article aria-labelledby="{$pid}-h">
                  <header class="plan-head">
                    <h3 id="{$pid}-h"><xsl:value-of select="name"/></h3>
                    <xsl:if test="requires_approval = 'true' or $confidential">
                      <span class="badge badge-pending_approval"><xsl:value-of select='mkt:tr("Needs approval")'/></span>
                    </xsl:if>
                  </header>
                  <xsl:if test="normalize-space(description) != ''">
                    <p class="plan-desc"><xsl:value-of select="description"/></p>
                  </xsl:if>
                  <dl class="facts plan-facts">
                    <xsl:call-template name="plan-fact">
                      <xsl:with-param name="label" select='mkt:tr("Requests per minute")'/>
                      <xsl:with-param name="value" select="requests_per_minute"/>
                    </xsl:call-template>
                    <xsl:call-template name="plan-fact">
                      <xsl:with-param name="label" select='mkt:tr("Tokens per minute")'/>
                      <xsl:with-param name="value" select="tokens_per_minute"/>
                    </xsl:call-template>
                    <xsl:call-template name="plan-fact">
                      <xsl:with-param name="label" select='mkt:tr("Requests per month")'/>
                      <xsl:with-param name="value" select="monthly_requests"/>
                    </xsl:call-template>
                    <xsl:call-template name="plan-fact">
                      <xsl:with-param name="label" select='mkt:tr("Tokens per month")'/>
                      <xsl:with-param name="value" select="monthly_tokens"/>
                    </xsl:call-template>
                    <div>
                      <dt><xsl:value-of select='mkt:tr("Spend per month at most")'/></dt>
                      <dd>
                        <xsl:choose>
                          <xsl:when test="normalize-space(monthly_budget) != ''">
                            <xsl:call-template name="money">
                              <xsl:with-param name="value" select="monthly_budget"/>
                              <xsl:with-param name="currency" select="$currency"/>
                            </xsl:call-template>
                          </xsl:when>
                          <xsl:otherwise><span class="muted"><xsl:value-of select='mkt:tr("no limit")'/></span></xsl:otherwise>
                        </xsl:choose>
                      </dd>
                    </div>
                  </dl>
                  <xsl:if test="$can-me or $can-org">
                    <form method="post" action="/subscriptions" class="plan-form">
                      <input type="hidden" name="csrf" value="{/page/meta/csrf}"/>
                      <input type="hidden" name="service" value="{$slug}"/>
                      <input type="hidden" name="plan" value="{slug}"/>
                      <xsl:choose>
                        <xsl:when test="$can-me and $can-org">
                          <fieldset class="form-subsection plan-for">
                            <legend><xsl:value-of select='mkt:tr("Subscribe for")'/></legend>
                            <label class="check">
                              <input type="radio" name="for" value="me" checked="checked"/>
                              <xsl:text> </xsl:text>
                              <xsl:value-of select='mkt:tr("just me")'/>
                            </label>
                            <label class="check">
                              <input type="radio" name="for" value="organization"/>
                              <xsl:text> </xsl:text>
                              <xsl:value-of select='mkt:tr("my organisation")'/>
                              <xsl:value-of select="concat(' (', $org, ')')"/>
                            </label>
                          </fieldset>
                        </xsl:when>
                        <xsl:when test="$can-org">
                          <input type="hidden" name="for" value="organization"/>
                          <p class="field-hint">
                            <xsl:value-of select='mkt:tr("For your organisation")'/>
                            <xsl:value-of select="concat(' (', $org, ')')"/>
                          </p>
                        </xsl:when>
                        <xsl:otherwise>
                          <input type="hidden" name="for" value="me"/>
                        </xsl:otherwise>
                      </xsl:choose>
                      <div class="form-actions">
                        <button type="submit" class="button button-primary" aria-describedby="{$pid}-h">
                          <xsl:value-of select='mkt:tr("Subscribe")'/>
                        </button>
                        <xsl:if test="requires_approval = 'true' or $confidential">
                          <span class="field-hint"><xsl:value-of select='mkt:tr("The provider approves each subscription first.")'/></span>
                        </xsl:if>
                      </div>
                    </form>
                  </xsl:if>
                </article>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise>
          <p class="muted"><xsl:value-of select='mkt:tr("This service offers no plans at the moment.")'/></p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="not($signed-in) and plans/item">
        <p>
          <a href="/login?next=/services/{$slug}"><xsl:value-of select='mkt:tr("Sign in to subscribe")'/></a>
        </p>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- One limit of a plan: its number, or "no limit". -->
  <xsl:template name="plan-fact">
    <xsl:param name="label"/>
    <xsl:param name="value"/>
    <div>
      <dt><xsl:value-of select="$label"/></dt>
      <dd>
        <xsl:choose>
          <xsl:when test="normalize-space($value) != ''"><xsl:call-template name="number"><xsl:with-param name="value" select="$value"/></xsl:call-template></xsl:when>
          <xsl:otherwise><span class="muted"><xsl:value-of select='mkt:tr("no limit")'/></span></xsl:otherwise>
        </xsl:choose>
      </dd>
    </div>
  </xsl:template>

  <!-- ===== How to call it: base URL, model, key, and the same call in five languages ===== -->
  <xsl:template name="how-to-call">
    <xsl:variable name="call" select="how_to_call"/>
    <xsl:variable name="model" select="string($call/model)"/>
    <!-- The range and exact version of the examples, from the latest version ("1.4.2": ^1.4 and 1.4.2). -->
    <xsl:variable name="v" select="string((versions/item[status = 'active'] | versions/item[not(../item[status = 'active'])])[1]/version)"/>
    <xsl:variable name="exact">
      <xsl:choose>
        <xsl:when test="translate($v, '0123456789', '') = '..'"><xsl:value-of select="$v"/></xsl:when>
        <xsl:otherwise>1.2.0</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="range" select="concat('^', substring-before($exact, '.'), '.', substring-before(substring-after($exact, '.'), '.'))"/>
    <section class="card how-to-call" id="call" aria-labelledby="call-h">
      <h2 id="call-h"><xsl:value-of select='mkt:tr("How to call it")'/></h2>
      <p><xsl:value-of select='mkt:tr("Through the marketplace gateway, with an API key of a subscription, and the OpenAI SDK you already use:")'/></p>
      <dl class="inline-facts call-facts">
        <div>
          <dt><xsl:value-of select='mkt:tr("Base URL")'/></dt>
          <dd><code><xsl:value-of select="$call/base_url"/></code></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Model")'/></dt>
          <dd><code><xsl:value-of select="$model"/></code></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("API key")'/></dt>
          <dd>
            <xsl:value-of select='mkt:tr("from the environment variable")'/>
            <xsl:text> </xsl:text>
            <code>MARKETPLACE_API_KEY</code>
          </dd>
        </div>
      </dl>
      <p class="field-hint">
        <xsl:value-of select='mkt:tr("To stay on compatible versions, pin a range after an @:")'/>
        <xsl:text> </xsl:text>
        <code><xsl:value-of select="concat($model, '@', $range)"/></code>
        <xsl:text> </xsl:text>
        <xsl:value-of select='mkt:tr("takes the newest version with the same major number, at least this one;")'/>
        <xsl:text> </xsl:text>
        <code><xsl:value-of select="concat($model, '@', $exact)"/></code>
        <xsl:text> </xsl:text>
        <xsl:value-of select='mkt:tr("takes exactly that version. The name alone takes the newest stable version.")'/>
      </p>
      <p class="field-hint">
        <xsl:value-of select='mkt:tr("No key yet? Subscribe to a plan above, then create one.")'/>
        <xsl:text> </xsl:text>
        <a href="/keys"><xsl:value-of select='mkt:tr("API keys")'/></a>
      </p>
      <div class="snippets">
        <xsl:call-template name="snippet">
          <xsl:with-param name="label" select="'curl'"/>
          <xsl:with-param name="code" select="$call/curl"/>
          <xsl:with-param name="open" select="true()"/>
        </xsl:call-template>
        <xsl:call-template name="snippet">
          <xsl:with-param name="label" select="'JavaScript'"/>
          <xsl:with-param name="install" select="'npm install openai'"/>
          <xsl:with-param name="code" select="$call/javascript"/>
        </xsl:call-template>
        <xsl:call-template name="snippet">
          <xsl:with-param name="label" select="'Python'"/>
          <xsl:with-param name="install" select="'pip install openai'"/>
          <xsl:with-param name="code" select="$call/python"/>
        </xsl:call-template>
        <xsl:call-template name="snippet">
          <xsl:with-param name="label" select="'Go'"/>
          <xsl:with-param name="install" select="'go get github.com/openai/openai-go/v3'"/>
          <xsl:with-param name="code" select="$call/go"/>
        </xsl:call-template>
        <xsl:call-template name="snippet">
          <xsl:with-param name="label" select="'Java'"/>
          <xsl:with-param name="install" select="'com.openai:openai-java (Maven, Gradle)'"/>
          <xsl:with-param name="code" select="$call/java"/>
        </xsl:call-template>
      </div>
    </section>
  </xsl:template>

  <!-- One language's example, folded (the first open): what to install, then the code. -->
  <xsl:template name="snippet">
    <xsl:param name="label"/>
    <xsl:param name="install" select="''"/>
    <xsl:param name="code"/>
    <xsl:param name="open" select="false()"/>
    <xsl:if test="normalize-space($code) != ''">
      <details class="snippet">
        <xsl:if test="$open">
          <xsl:attribute name="open">open</xsl:attribute>
        </xsl:if>
        <summary><xsl:value-of select="$label"/></summary>
        <xsl:if test="$install != ''">
          <p class="field-hint">
            <xsl:value-of select='mkt:tr("Install:")'/>
            <xsl:text> </xsl:text>
            <code><xsl:value-of select="$install"/></code>
          </p>
        </xsl:if>
        <pre class="code"><code><xsl:value-of select="$code"/></code></pre>
      </details>
    </xsl:if>
  </xsl:template>

  <!-- ===== Reviews and ratings (cgi/search/reviews.c) ===== -->

  <!-- The rating, the first page of reviews with the provider's replies, and the review form. -->
  <xsl:template name="reviews">
    <xsl:variable name="form" select="review_form"/>
    <section class="card reviews" id="reviews" aria-labelledby="reviews-h">
      <h2 id="reviews-h"><xsl:value-of select='mkt:tr("Reviews")'/></h2>
      <xsl:if test="normalize-space(review_notice) != ''">
        <p class="callout callout-attention" role="status"><xsl:value-of select="review_notice"/></p>
      </xsl:if>
      <xsl:call-template name="rating-summary"><xsl:with-param name="rating" select="rating"/></xsl:call-template>

      <xsl:if test="reviews/item">
        <ol class="approval-queue review-list">
          <xsl:apply-templates select="reviews/item" mode="review">
            <xsl:with-param name="slug" select="slug"/>
            <xsl:with-param name="provider" select="provider/name"/>
            <xsl:with-param name="can-reply" select="can_reply = 'true'"/>
            <xsl:with-param name="form" select="$form"/>
          </xsl:apply-templates>
        </ol>
        <xsl:if test="number(reviews_total) &gt; count(reviews/item)">
          <p>
            <a href="{links/reviews}?page=2">
              <xsl:value-of select='mkt:tr("More reviews")'/>
              <xsl:value-of select="concat(' (', reviews_total, ')')"/>
            </a>
          </p>
        </xsl:if>
      </xsl:if>

      <xsl:choose>
        <xsl:when test="can_review = 'true'">
          <xsl:call-template name="review-form"><xsl:with-param name="form" select="$form[target = 'review']"/></xsl:call-template>
        </xsl:when>
        <xsl:when test="review_state = 'sign-in'">
          <p>
            <a href="/login?next=/services/{slug}"><xsl:value-of select='mkt:tr("Sign in to review this service")'/></a>
          </p>
        </xsl:when>
        <xsl:when test="review_state = 'own-organisation'">
          <p class="muted"><xsl:value-of select='mkt:tr("Your organisation provides this service, so you cannot review it.")'/></p>
        </xsl:when>
        <xsl:when test="review_state = 'use-first'">
          <p class="muted"><xsl:value-of select='mkt:tr("You can review this service once you have used it.")'/></p>
        </xsl:when>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- "★★★★★ 4.8 · 12 reviews" and what the number means; "No reviews yet" without reviews. -->
  <xsl:template name="rating-summary">
    <xsl:param name="rating"/>
    <xsl:choose>
      <xsl:when test="number($rating/reviews) &gt; 0">
        <p class="rating-summary">
          <xsl:call-template name="stars"><xsl:with-param name="value" select="$rating/bayesian"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <strong class="rating-value"><xsl:call-template name="rating-number"><xsl:with-param name="value" select="$rating/bayesian"/></xsl:call-template></strong>
          <span class="sep" aria-hidden="true"> · </span>
          <span class="rating-count">
            <xsl:call-template name="number"><xsl:with-param name="value" select="$rating/reviews"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="number($rating/reviews) = 1"><xsl:value-of select='mkt:tr("review")'/></xsl:when>
              <xsl:otherwise><xsl:value-of select='mkt:tr("reviews")'/></xsl:otherwise>
            </xsl:choose>
          </span>
        </p>
        <p class="field-hint">
          <xsl:value-of select='mkt:tr("A weighted average: until a service has many reviews, it counts as if it had ten more of the catalog’s average.")'/>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("Plain average")'/>
          <xsl:text>: </xsl:text>
          <xsl:call-template name="rating-number"><xsl:with-param name="value" select="$rating/average"/></xsl:call-template>
        </p>
      </xsl:when>
      <xsl:otherwise>
        <p class="muted"><xsl:value-of select='mkt:tr("No reviews yet.")'/></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A rating such as 4.8 (4,8 in German), one decimal. -->
  <xsl:template name="rating-number">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="string(number($value)) = 'NaN'"><xsl:call-template name="none"/></xsl:when>
      <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($value, '0,0', 'de')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($value, '0.0')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Stars as text (the value rounded to whole stars), read out as "4.8 out of 5 stars". -->
  <xsl:template name="stars">
    <xsl:param name="value"/>
    <xsl:variable name="n" select="round(number($value))"/>
    <xsl:variable name="label">
      <xsl:call-template name="rating-number"><xsl:with-param name="value" select="$value"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:value-of select='mkt:tr("out of 5 stars")'/>
    </xsl:variable>
    <span class="stars" role="img" aria-label="{$label}" title="{$label}">
      <xsl:value-of select="substring('★★★★★', 1, $n)"/>
      <xsl:value-of select="substring('☆☆☆☆☆', 1, 5 - $n)"/>
    </span>
  </xsl:template>

  <!-- Text with its line breaks kept. -->
  <xsl:template name="lines">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&#10;')">
        <xsl:value-of select="substring-before($text, '&#10;')"/>
        <br/>
        <xsl:call-template name="lines"><xsl:with-param name="text" select="substring-after($text, '&#10;')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One review: stars, title, author and date, the text, the provider's reply and its form. -->
  <xsl:template match="item" mode="review">
    <xsl:param name="slug"/>
    <xsl:param name="provider"/>
    <xsl:param name="can-reply" select="false()"/>
    <xsl:param name="form"/>
    <li class="review" id="review-{id}">
      <article aria-labelledby="review-{id}-h">
        <header>
          <h3 id="review-{id}-h">
            <xsl:call-template name="stars"><xsl:with-param name="value" select="rating"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="normalize-space(title) != ''"><xsl:value-of select="title"/></xsl:when>
              <xsl:otherwise><span class="visually-hidden"><xsl:value-of select='mkt:tr("Review")'/></span></xsl:otherwise>
            </xsl:choose>
          </h3>
          <p class="muted">
            <xsl:value-of select="author"/>
            <span class="sep" aria-hidden="true"> · </span>
            <xsl:call-template name="date"><xsl:with-param name="value" select="created_at"/></xsl:call-template>
            <xsl:if test="edited = 'true'">
              <xsl:text> </xsl:text>
              <xsl:value-of select='mkt:tr("(edited)")'/>
            </xsl:if>
            <xsl:if test="mine = 'true'">
              <xsl:text> </xsl:text>
              <span class="badge"><xsl:value-of select='mkt:tr("Your review")'/></span>
            </xsl:if>
          </p>
        </header>
        <xsl:if test="hidden = 'true'">
          <p class="alert alert-error">
            <xsl:value-of select='mkt:tr("Hidden by a moderator")'/>
            <xsl:text>: </xsl:text>
            <xsl:value-of select="moderation/reason"/>
          </p>
        </xsl:if>
        <p class="review-body">
          <xsl:call-template name="lines"><xsl:with-param name="text" select="string(body)"/></xsl:call-template>
        </p>
        <xsl:if test="reply/body">
          <div class="review-reply alert">
            <p>
              <strong>
                <xsl:value-of select='mkt:tr("Reply from the provider")'/>
                <xsl:if test="normalize-space($provider) != ''"><xsl:value-of select="concat(' ', $provider)"/></xsl:if>
              </strong>
              <span class="sep" aria-hidden="true"> · </span>
              <xsl:call-template name="date"><xsl:with-param name="value" select="reply/replied_at"/></xsl:call-template>
            </p>
            <p><xsl:call-template name="lines"><xsl:with-param name="text" select="string(reply/body)"/></xsl:call-template></p>
          </div>
        </xsl:if>
        <xsl:if test="$can-reply and hidden != 'true'">
          <xsl:call-template name="reply-form">
            <xsl:with-param name="slug" select="$slug"/>
            <xsl:with-param name="form" select="$form[target = 'reply' and review = current()/id]"/>
          </xsl:call-template>
        </xsl:if>
      </article>
    </li>
  </xsl:template>

  <!-- The provider's answer to one review (a new one, or a change). -->
  <xsl:template name="reply-form">
    <xsl:param name="slug"/>
    <xsl:param name="form"/>
    <xsl:variable name="fid" select="concat('reply-', id)"/>
    <xsl:variable name="bad" select="$form/errors/item[name = 'body']"/>
    <details>
      <xsl:if test="$form">
        <xsl:attribute name="open">open</xsl:attribute>
      </xsl:if>
      <summary>
        <xsl:choose>
          <xsl:when test="reply/body"><xsl:value-of select='mkt:tr("Change the reply")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("Reply")'/></xsl:otherwise>
        </xsl:choose>
      </summary>
      <form method="post" action="/services/{$slug}/reviews/{id}/reply" class="publish-form">
        <input type="hidden" name="csrf" value="{/page/meta/csrf}"/>
        <div class="field">
          <xsl:if test="$bad"><xsl:attribute name="class">field field-invalid</xsl:attribute></xsl:if>
          <label for="{$fid}"><xsl:value-of select='mkt:tr("Your reply")'/></label>
          <textarea id="{$fid}" name="body" rows="4" maxlength="4000" required="required">
            <xsl:if test="$bad">
              <xsl:attribute name="aria-invalid">true</xsl:attribute>
              <xsl:attribute name="aria-describedby"><xsl:value-of select="concat($fid, '-e')"/></xsl:attribute>
            </xsl:if>
            <xsl:choose>
              <xsl:when test="$form"><xsl:value-of select="$form/values/body"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="reply/body"/></xsl:otherwise>
            </xsl:choose>
          </textarea>
          <xsl:if test="$bad">
            <p class="field-error" id="{$fid}-e"><xsl:value-of select="$bad/reason"/></p>
          </xsl:if>
        </div>
        <div class="form-actions">
          <button type="submit" class="button"><xsl:value-of select='mkt:tr("Publish the reply")'/></button>
        </div>
      </form>
    </details>
  </xsl:template>

  <!-- Write or change one's own review: stars, an optional title, the text. -->
  <xsl:template name="review-form">
    <xsl:param name="form"/>
    <xsl:variable name="mine" select="my_review[id]"/>
    <xsl:variable name="errors" select="$form/errors/item"/>
    <xsl:variable name="rating">
      <xsl:choose>
        <xsl:when test="$form"><xsl:value-of select="$form/values/rating"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$mine/rating"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <form method="post" action="/services/{slug}/reviews" class="publish-form" id="review-form" aria-labelledby="review-form-h">
      <h3 id="review-form-h">
        <xsl:choose>
          <xsl:when test="$mine"><xsl:value-of select='mkt:tr("Change your review")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("Write a review")'/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <xsl:if test="$mine/hidden = 'true'">
        <p class="alert alert-error">
          <xsl:value-of select='mkt:tr("A moderator hid your review")'/>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="$mine/moderation/reason"/>
        </p>
      </xsl:if>
      <xsl:if test="$errors">
        <div class="alert alert-error error-summary" role="alert" aria-labelledby="review-errors-h">
          <h2 id="review-errors-h"><xsl:value-of select='mkt:tr("The review was not saved")'/></h2>
          <ul class="error-list">
            <xsl:for-each select="$errors">
              <li>
                <a href="#review-{name}">
                  <xsl:choose>
                    <xsl:when test="name = 'rating'"><xsl:value-of select='mkt:tr("Rating")'/></xsl:when>
                    <xsl:when test="name = 'title'"><xsl:value-of select='mkt:tr("Title")'/></xsl:when>
                    <xsl:otherwise><xsl:value-of select='mkt:tr("Your review")'/></xsl:otherwise>
                  </xsl:choose>
                </a>
                <xsl:text>: </xsl:text>
                <xsl:value-of select="reason"/>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:if>
      <input type="hidden" name="csrf" value="{/page/meta/csrf}"/>
      <fieldset id="review-rating" class="form-subsection">
        <xsl:if test="$errors[name = 'rating']">
          <xsl:attribute name="aria-invalid">true</xsl:attribute>
        </xsl:if>
        <legend><xsl:value-of select='mkt:tr("Rating")'/></legend>
        <xsl:call-template name="star-choice"><xsl:with-param name="n" select="5"/><xsl:with-param name="current" select="$rating"/></xsl:call-template>
        <xsl:call-template name="star-choice"><xsl:with-param name="n" select="4"/><xsl:with-param name="current" select="$rating"/></xsl:call-template>
        <xsl:call-template name="star-choice"><xsl:with-param name="n" select="3"/><xsl:with-param name="current" select="$rating"/></xsl:call-template>
        <xsl:call-template name="star-choice"><xsl:with-param name="n" select="2"/><xsl:with-param name="current" select="$rating"/></xsl:call-template>
        <xsl:call-template name="star-choice"><xsl:with-param name="n" select="1"/><xsl:with-param name="current" select="$rating"/></xsl:call-template>
      </fieldset>
      <div class="field">
        <xsl:if test="$errors[name = 'title']"><xsl:attribute name="class">field field-invalid</xsl:attribute></xsl:if>
        <label for="review-title"><xsl:value-of select='mkt:tr("Title")'/><xsl:text> </xsl:text><xsl:value-of select='mkt:tr("(optional)")'/></label>
        <input type="text" id="review-title" name="title" maxlength="120">
          <xsl:attribute name="value">
            <xsl:choose>
              <xsl:when test="$form"><xsl:value-of select="$form/values/title"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$mine/title"/></xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
        </input>
        <xsl:for-each select="$errors[name = 'title']"><p class="field-error"><xsl:value-of select="reason"/></p></xsl:for-each>
      </div>
      <div class="field">
        <xsl:if test="$errors[name = 'body']"><xsl:attribute name="class">field field-invalid</xsl:attribute></xsl:if>
        <label for="review-body"><xsl:value-of select='mkt:tr("Your review")'/></label>
        <textarea id="review-body" name="body" rows="6" maxlength="4000" required="required" aria-describedby="review-body-h">
          <xsl:choose>
            <xsl:when test="$form"><xsl:value-of select="$form/values/body"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$mine/body"/></xsl:otherwise>
          </xsl:choose>
        </textarea>
        <xsl:for-each select="$errors[name = 'body']"><p class="field-error"><xsl:value-of select="reason"/></p></xsl:for-each>
        <p class="field-hint" id="review-body-h"><xsl:value-of select='mkt:tr("What did you use it for, and how well did it work? At most 4,000 characters.")'/></p>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary">
          <xsl:choose>
            <xsl:when test="$mine"><xsl:value-of select='mkt:tr("Save your review")'/></xsl:when>
            <xsl:otherwise><xsl:value-of select='mkt:tr("Publish your review")'/></xsl:otherwise>
          </xsl:choose>
        </button>
      </div>
    </form>
  </xsl:template>

  <!-- One radio button of the rating: "5 stars". -->
  <xsl:template name="star-choice">
    <xsl:param name="n"/>
    <xsl:param name="current"/>
    <label class="check">
      <input type="radio" name="rating" value="{$n}" required="required">
        <xsl:if test="string($current) = string($n)">
          <xsl:attribute name="checked">checked</xsl:attribute>
        </xsl:if>
      </input>
      <xsl:text> </xsl:text>
      <span aria-hidden="true"><xsl:value-of select="substring('★★★★★', 1, $n)"/></span>
      <xsl:text> </xsl:text>
      <xsl:value-of select="$n"/>
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="$n = 1"><xsl:value-of select='mkt:tr("star")'/></xsl:when>
        <xsl:otherwise><xsl:value-of select='mkt:tr("stars")'/></xsl:otherwise>
      </xsl:choose>
    </label>
  </xsl:template>

  <!-- "128,000 tokens", or an em dash when unknown. -->
  <xsl:template name="tokens">
    <xsl:param name="value"/>
    <xsl:call-template name="number"><xsl:with-param name="value" select="$value"/></xsl:call-template>
    <xsl:if test="normalize-space($value) != ''">
      <xsl:text> </xsl:text>
      <xsl:value-of select='mkt:tr("tokens")'/>
    </xsl:if>
  </xsl:template>

  <!-- Whether an observed figure keeps the service's promise. -->
  <xsl:template name="against-promise">
    <xsl:param name="kept"/>
    <xsl:choose>
      <xsl:when test="$kept"><span class="badge badge-active"><xsl:value-of select='mkt:tr("as promised")'/></span></xsl:when>
      <xsl:otherwise><span class="badge badge-deprecated"><xsl:value-of select='mkt:tr("below the promise")'/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A plan's figure, or a dash when the plan does not set it. -->
  <xsl:template name="tier-price">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) != ''">
        <xsl:call-template name="price">
          <xsl:with-param name="value" select="$value"/>
          <xsl:with-param name="currency" select="string(ancestor::service[1]/pricing/currency)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><span class="none">—</span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template name="tier-number">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) != ''"><xsl:call-template name="number"><xsl:with-param name="value" select="$value"/></xsl:call-template></xsl:when>
      <xsl:otherwise><span class="none">—</span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
