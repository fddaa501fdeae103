<?xml version="1.0" encoding="UTF-8"?>
<!-- providers.xsl: the providers page (every provider, its verification, listed services and website) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Providers")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Providers")'/></h1>
      <p class="page-intro"><xsl:value-of select='mkt:tr("Organisations that publish services in the marketplace.")'/></p>
    </div>

    <xsl:choose>
      <xsl:when test="providers/item">
        <div class="table-wrap" role="region" aria-labelledby="providers-caption" tabindex="0">
          <table class="data-table providers-table">
            <caption id="providers-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Providers")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Provider")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Services")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Website")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="providers/item" mode="row"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No providers yet.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="providers/item" mode="row">
    <tr>
      <th scope="row" class="cell-provider">
        <span class="provider-name"><xsl:value-of select="name"/></span>
        <xsl:call-template name="verified">
          <xsl:with-param name="flag" select="verified"/>
        </xsl:call-template>
      </th>
      <td class="num">
        <xsl:variable name="count">
          <xsl:call-template name="number"><xsl:with-param name="value" select="services"/></xsl:call-template>
          <xsl:if test="normalize-space(services) != ''">
            <xsl:text> </xsl:text>
            <span class="unit"><xsl:value-of select='mkt:tr("services")'/></span>
          </xsl:if>
        </xsl:variable>
        <xsl:choose>
          <!-- Only a site-relative catalog link (never "//host" or a scheme), and only when it lists something. -->
          <xsl:when test="number(services) &gt; 0 and starts-with(catalog, '/') and not(starts-with(catalog, '//'))">
            <a class="provider-services" href="{catalog}"><xsl:copy-of select="$count"/></a>
          </xsl:when>
          <xsl:otherwise>
            <span class="provider-services"><xsl:copy-of select="$count"/></span>
          </xsl:otherwise>
        </xsl:choose>
      </td>
      <td class="cell-website">
        <!-- Only https links: a javascript:, data: or plain http homepage is never rendered as a link. -->
        <xsl:choose>
          <xsl:when test="starts-with(homepage, 'https://') and string-length(homepage) &gt; 8">
            <xsl:variable name="rest" select="substring-after(homepage, 'https://')"/>
            <xsl:variable name="host">
              <xsl:call-template name="url-host"><xsl:with-param name="rest" select="$rest"/></xsl:call-template>
            </xsl:variable>
            <a class="provider-site" href="{homepage}" rel="external noopener noreferrer">
              <xsl:choose>
                <xsl:when test="normalize-space($host) != ''"><xsl:value-of select="$host"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="homepage"/></xsl:otherwise>
              </xsl:choose>
            </a>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="none">
              <xsl:with-param name="title" select='mkt:tr("not set")'/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

  <!-- The authority of a URL without its scheme: "openai.com/api?x" gives "openai.com". -->
  <xsl:template name="url-host">
    <xsl:param name="rest"/>
    <xsl:variable name="a">
      <xsl:choose>
        <xsl:when test="contains($rest, '/')"><xsl:value-of select="substring-before($rest, '/')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="b">
      <xsl:choose>
        <xsl:when test="contains($a, '?')"><xsl:value-of select="substring-before($a, '?')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$a"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="contains($b, '#')"><xsl:value-of select="substring-before($b, '#')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$b"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
