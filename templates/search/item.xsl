<?xml version="1.0" encoding="UTF-8"?>
<!-- item.xsl: the service page (facts, pricing, capabilities, versions) -->
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
    </div>

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

    <div class="service-grid">
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

      <section class="card" aria-labelledby="call-h">
        <h2 id="call-h"><xsl:value-of select='mkt:tr("How to call it")'/></h2>
        <p><xsl:value-of select='mkt:tr("Through the marketplace gateway, with an API key of a subscription, and the OpenAI SDK you already use:")'/></p>
        <pre class="code"><code><xsl:value-of select="how_to_call/python"/></code></pre>
        <details>
          <summary><xsl:value-of select='mkt:tr("With curl")'/></summary>
          <pre class="code"><code><xsl:value-of select="how_to_call/curl"/></code></pre>
        </details>
      </section>
    </div>

    <xsl:if test="operations/item">
      <div class="table-wrap" role="region" aria-labelledby="ops-caption" tabindex="0">
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

</xsl:stylesheet>
