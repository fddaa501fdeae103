<?xml version="1.0" encoding="UTF-8"?>
<!-- list.xsl: the catalog list page (filters, results table, pager) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Catalog")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Catalog")'/></h1>
      <xsl:if test="number(page/total_items) &gt; 0">
        <p class="summary">
          <xsl:value-of select='mkt:tr("Showing")'/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="number"><xsl:with-param name="value" select="page/first_item"/></xsl:call-template>
          <xsl:text>–</xsl:text>
          <xsl:call-template name="number"><xsl:with-param name="value" select="page/last_item"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("of")'/>
          <xsl:text> </xsl:text>
          <xsl:if test="page/estimated = 'true'">
            <xsl:value-of select='mkt:tr("about")'/>
            <xsl:text> </xsl:text>
          </xsl:if>
          <strong><xsl:call-template name="number"><xsl:with-param name="value" select="page/total_items"/></xsl:call-template></strong>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("services")'/>
        </p>
      </xsl:if>
    </div>

    <xsl:if test="did_you_mean">
      <p class="did-you-mean" role="status">
        <xsl:value-of select='mkt:tr("Did you mean")'/>
        <xsl:text> </xsl:text>
        <a href="{did_you_mean/link}"><strong><xsl:value-of select="did_you_mean/q"/></strong></a>
        <xsl:text>?</xsl:text>
      </p>
    </xsl:if>

    <xsl:apply-templates select="filters" mode="form"/>
    <xsl:apply-templates select="facets[*/item]"/>

    <xsl:choose>
      <xsl:when test="services/item">
        <div class="table-wrap" role="region" aria-labelledby="results-caption" tabindex="0">
          <table class="data-table results">
            <caption id="results-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Services")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Service")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Category")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Context window")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Input / 1M tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Output / 1M tokens")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="services/item" mode="row"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No services match these filters.")'/></p>
          <p><a href="/services"><xsl:value-of select='mkt:tr("Show all services")'/></a></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:call-template name="pager"/>
    <xsl:apply-templates select="recommendations[item]"/>
  </xsl:template>

  <!-- The filter form: plain GET, works without JavaScript. -->
  <xsl:template match="filters" mode="form">
    <xsl:variable name="filters" select="."/>
    <form class="filters" method="get" action="/services">
      <div class="field">
        <label for="f-category"><xsl:value-of select='mkt:tr("Category")'/></label>
        <select id="f-category" name="category">
          <option value=""><xsl:value-of select='mkt:tr("All categories")'/></option>
          <xsl:for-each select="../categories/item[count &gt; 0 or string(slug) = string($filters/category)]">
            <option value="{slug}">
              <xsl:if test="string(slug) = string($filters/category)">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="name"/>
              <xsl:text> (</xsl:text>
              <xsl:call-template name="number"><xsl:with-param name="value" select="count"/></xsl:call-template>
              <xsl:text>)</xsl:text>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <div class="field">
        <label for="f-sort"><xsl:value-of select='mkt:tr("Sort by")'/></label>
        <select id="f-sort" name="sort">
          <xsl:for-each select="../sorts/item">
            <option value="{value}">
              <xsl:if test="string(value) = string($filters/sort)">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="label"/>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <xsl:if test="normalize-space(q) != ''">
        <input type="hidden" name="q" value="{q}"/>
      </xsl:if>
      <xsl:if test="normalize-space(provider) != ''">
        <input type="hidden" name="provider" value="{provider}"/>
      </xsl:if>
      <xsl:for-each select="../applied/item">
        <input type="hidden" name="{kind}" value="{value}"/>
      </xsl:for-each>
      <div class="field field-submit">
        <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Apply")'/></button>
      </div>
      <xsl:if test="normalize-space(provider) != '' or normalize-space(q) != '' or ../understood/item or ../applied/item">
        <p class="active-filters">
          <xsl:if test="normalize-space(q) != ''">
            <span class="chip chip-filter">
              <xsl:value-of select='mkt:tr("Search")'/><xsl:text>: </xsl:text><xsl:value-of select="q"/>
            </span>
          </xsl:if>
          <xsl:for-each select="../understood/item">
            <span class="chip chip-filter chip-understood">
              <xsl:call-template name="understood-label"/>
              <xsl:if test="normalize-space(remove) != ''">
                <xsl:text> </xsl:text>
                <a class="chip-remove" href="{remove}">
                  <span aria-hidden="true">×</span>
                  <span class="visually-hidden">
                    <xsl:value-of select='mkt:tr("Remove this filter")'/>
                    <xsl:text>: </xsl:text>
                    <xsl:value-of select="phrase"/>
                  </span>
                </a>
              </xsl:if>
            </span>
          </xsl:for-each>
          <xsl:for-each select="../applied/item">
            <span class="chip chip-filter">
              <xsl:call-template name="understood-label"/>
              <xsl:text> </xsl:text>
              <a class="chip-remove" href="{remove}">
                <span aria-hidden="true">×</span>
                <span class="visually-hidden"><xsl:value-of select='mkt:tr("Remove this filter")'/></span>
              </a>
            </span>
          </xsl:for-each>
          <xsl:if test="normalize-space(provider) != ''">
            <span class="chip chip-filter">
              <xsl:value-of select='mkt:tr("Provider")'/><xsl:text>: </xsl:text><xsl:value-of select="provider"/>
            </span>
          </xsl:if>
          <a href="/services"><xsl:value-of select='mkt:tr("Clear filters")'/></a>
        </p>
      </xsl:if>
    </form>
  </xsl:template>

  <xsl:template match="services/item" mode="row">
    <tr>
      <td class="cell-service">
        <a class="service-name" href="{links/self}"><xsl:value-of select="name"/></a>
        <span class="provider">
          <xsl:value-of select="provider/name"/>
          <xsl:call-template name="verified">
            <xsl:with-param name="flag" select="provider/verified"/>
          </xsl:call-template>
        </span>
        <xsl:if test="normalize-space(description) != ''">
          <p class="service-desc"><xsl:value-of select="description"/></p>
        </xsl:if>
        <xsl:call-template name="chips">
          <xsl:with-param name="tags" select="tags/item"/>
          <xsl:with-param name="max" select="4"/>
        </xsl:call-template>
        <xsl:if test="score/total">
          <details class="why-result">
            <summary><xsl:value-of select='mkt:tr("Why this result")'/></summary>
            <dl class="facts">
              <div><dt><xsl:value-of select='mkt:tr("Relevance of the words")'/></dt><dd><xsl:value-of select="score/relevance"/>
                <xsl:text> </xsl:text>
                <span class="muted"><xsl:choose>
                  <xsl:when test="score/matched_in = 'name'"><xsl:value-of select='mkt:tr("(every word in the name)")'/></xsl:when>
                  <xsl:when test="score/matched_in = 'tags'"><xsl:value-of select='mkt:tr("(every word in the name, tags or category)")'/></xsl:when>
                  <xsl:otherwise><xsl:value-of select='mkt:tr("(found in the description or provider)")'/></xsl:otherwise>
                </xsl:choose></span></dd></div>
              <div><dt><xsl:value-of select='mkt:tr("Popularity")'/></dt><dd><xsl:value-of select="score/popularity"/></dd></div>
              <div><dt><xsl:value-of select='mkt:tr("Performance against the SLA")'/></dt><dd><xsl:value-of select="score/performance"/></dd></div>
              <div><dt><xsl:value-of select='mkt:tr("Compliance")'/></dt><dd><xsl:value-of select="score/compliance"/></dd></div>
              <div><dt><xsl:value-of select='mkt:tr("Score")'/></dt><dd><strong><xsl:value-of select="score/total"/></strong></dd></div>
            </dl>
          </details>
        </xsl:if>
      </td>
      <td><xsl:value-of select="category/name"/></td>
      <td class="num">
        <xsl:call-template name="number"><xsl:with-param name="value" select="context_window"/></xsl:call-template>
        <xsl:if test="normalize-space(context_window) != ''">
          <xsl:text> </xsl:text>
          <span class="unit"><xsl:value-of select='mkt:tr("tokens")'/></span>
        </xsl:if>
      </td>
      <td class="num">
        <xsl:call-template name="price">
          <xsl:with-param name="value" select="pricing/input_per_mtok"/>
          <xsl:with-param name="currency" select="string(pricing/currency)"/>
        </xsl:call-template>
      </td>
      <td class="num">
        <xsl:call-template name="price">
          <xsl:with-param name="value" select="pricing/output_per_mtok"/>
          <xsl:with-param name="currency" select="string(pricing/currency)"/>
        </xsl:call-template>
      </td>
      <td>
        <xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template>
      </td>
    </tr>
  </xsl:template>

  <!-- A filter read from the search words: what it filters, and the value. -->
  <xsl:template name="understood-label">
    <xsl:choose>
      <xsl:when test="kind = 'max_price'"><xsl:value-of select='mkt:tr("Input price at most")'/><xsl:text> </xsl:text><xsl:value-of select="value"/><xsl:text> / 1M</xsl:text></xsl:when>
      <xsl:when test="kind = 'min_context'"><xsl:value-of select='mkt:tr("Context window at least")'/><xsl:text> </xsl:text><xsl:call-template name="number"><xsl:with-param name="value" select="value"/></xsl:call-template></xsl:when>
      <xsl:when test="kind = 'category'"><xsl:value-of select='mkt:tr("Category")'/><xsl:text>: </xsl:text><xsl:value-of select="value"/></xsl:when>
      <xsl:when test="kind = 'residency'"><xsl:value-of select='mkt:tr("Data residency")'/><xsl:text>: </xsl:text><xsl:value-of select="value"/></xsl:when>
      <xsl:when test="kind = 'certification'"><xsl:value-of select='mkt:tr("Certification")'/><xsl:text>: </xsl:text><xsl:value-of select="value"/></xsl:when>
      <xsl:when test="kind = 'compliance'"><xsl:value-of select='mkt:tr("Compliance level")'/><xsl:text>: </xsl:text><xsl:value-of select="value"/></xsl:when>
      <xsl:when test="kind = 'min_rating'"><xsl:value-of select='mkt:tr("Rating at least")'/><xsl:text> </xsl:text><xsl:value-of select="value"/><xsl:text> ★</xsl:text></xsl:when>
      <xsl:when test="kind = 'max_latency'"><xsl:value-of select='mkt:tr("Promised latency at most")'/><xsl:text> </xsl:text><xsl:call-template name="number"><xsl:with-param name="value" select="value"/></xsl:call-template><xsl:text> ms</xsl:text></xsl:when>
      <xsl:when test="kind = 'status'"><xsl:value-of select='mkt:tr("Status")'/><xsl:text>: </xsl:text><xsl:call-template name="badge-status"><xsl:with-param name="status" select="value"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select='mkt:tr("Tag")'/><xsl:text>: </xsl:text><xsl:value-of select="value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- Facet counts for the current search: each value a link that adds it. -->
  <xsl:template match="facets">
    <nav class="card facets" aria-label='{mkt:tr("Refine")}'>
      <xsl:for-each select="*[item]">
        <div class="facet">
          <h2 class="card-subhead">
            <xsl:choose>
              <xsl:when test="name() = 'provider'"><xsl:value-of select='mkt:tr("Provider")'/></xsl:when>
              <xsl:when test="name() = 'tag'"><xsl:value-of select='mkt:tr("Tags")'/></xsl:when>
              <xsl:when test="name() = 'compliance'"><xsl:value-of select='mkt:tr("Compliance level")'/></xsl:when>
              <xsl:when test="name() = 'max_price'"><xsl:value-of select='mkt:tr("Input price at most")'/></xsl:when>
              <xsl:when test="name() = 'certification'"><xsl:value-of select='mkt:tr("Certification")'/></xsl:when>
              <xsl:when test="name() = 'residency'"><xsl:value-of select='mkt:tr("Data residency")'/></xsl:when>
              <xsl:when test="name() = 'max_latency'"><xsl:value-of select='mkt:tr("Promised latency at most")'/></xsl:when>
              <xsl:when test="name() = 'status'"><xsl:value-of select='mkt:tr("Status")'/></xsl:when>
              <xsl:when test="name() = 'min_rating'"><xsl:value-of select='mkt:tr("Rating at least")'/></xsl:when>
              <xsl:otherwise><xsl:value-of select='mkt:tr("Context window at least")'/></xsl:otherwise>
            </xsl:choose>
          </h2>
          <ul class="chips">
            <xsl:for-each select="item">
              <li class="chip">
                <a href="{link}">
                  <xsl:choose>
                    <xsl:when test="normalize-space(name) != ''"><xsl:value-of select="name"/></xsl:when>
                    <xsl:when test="name(..) = 'max_price'"><xsl:value-of select="value"/><xsl:text> / 1M</xsl:text></xsl:when>
                    <xsl:when test="name(..) = 'min_context'"><xsl:call-template name="number"><xsl:with-param name="value" select="value"/></xsl:call-template></xsl:when>
                    <xsl:when test="name(..) = 'min_rating'"><xsl:value-of select="value"/><xsl:text> ★</xsl:text></xsl:when>
                    <xsl:when test="name(..) = 'max_latency'"><xsl:call-template name="number"><xsl:with-param name="value" select="value"/></xsl:call-template><xsl:text> ms</xsl:text></xsl:when>
                    <xsl:when test="name(..) = 'status' and value = 'active'"><xsl:value-of select='mkt:tr("Active")'/></xsl:when>
                    <xsl:when test="name(..) = 'status' and value = 'deprecated'"><xsl:value-of select='mkt:tr("Deprecated")'/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="value"/></xsl:otherwise>
                  </xsl:choose>
                  <xsl:text> (</xsl:text>
                  <xsl:if test="/data/page/estimated = 'true'">~</xsl:if>
                  <xsl:call-template name="number"><xsl:with-param name="value" select="count"/></xsl:call-template>
                  <xsl:text>)</xsl:text>
                </a>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:for-each>
    </nav>
  </xsl:template>
</xsl:stylesheet>
