<?xml version="1.0" encoding="UTF-8"?>
<!-- summary.xsl: the catalog report (listed services and providers, and figures per category) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Catalog report")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Catalog report")'/></h1>
    </div>
    <xsl:apply-templates select="summary"/>
  </xsl:template>

  <xsl:template match="summary">
    <dl class="stats">
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Services listed")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="services"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Providers")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="providers"/></xsl:call-template></dd>
      </div>
    </dl>

    <xsl:choose>
      <xsl:when test="categories/item">
        <div class="table-wrap" role="region" aria-labelledby="categories-caption" tabindex="0">
          <table class="data-table report-table">
            <caption id="categories-caption"><xsl:value-of select='mkt:tr("Services by category")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Category")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Services")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Median input / 1M tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Median output / 1M tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Largest context window")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="categories/item" mode="row"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No services are listed yet.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="categories/item" mode="row">
    <tr>
      <th scope="row">
        <a>
          <xsl:attribute name="href">
            <xsl:text>/services?category=</xsl:text>
            <xsl:call-template name="url-encode"><xsl:with-param name="value" select="slug"/></xsl:call-template>
          </xsl:attribute>
          <xsl:choose>
            <xsl:when test="normalize-space(name) != ''"><xsl:value-of select="name"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="slug"/></xsl:otherwise>
          </xsl:choose>
        </a>
      </th>
      <td class="num cell-share">
        <xsl:call-template name="number"><xsl:with-param name="value" select="services"/></xsl:call-template>
        <!-- The category's share of all listed services as a bar; the figure itself is in the text. -->
        <xsl:if test="number(../../services) &gt; 0 and number(services) &gt;= 0">
          <meter class="share" min="0" max="{../../services}" value="{services}" aria-hidden="true"/>
        </xsl:if>
      </td>
      <td class="num">
        <xsl:call-template name="price"><xsl:with-param name="value" select="median_input_per_mtok"/></xsl:call-template>
      </td>
      <td class="num">
        <xsl:call-template name="price"><xsl:with-param name="value" select="median_output_per_mtok"/></xsl:call-template>
      </td>
      <td class="num">
        <xsl:call-template name="number"><xsl:with-param name="value" select="max_context_window"/></xsl:call-template>
        <xsl:if test="normalize-space(max_context_window) != ''">
          <xsl:text> </xsl:text>
          <span class="unit"><xsl:value-of select='mkt:tr("tokens")'/></span>
        </xsl:if>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
