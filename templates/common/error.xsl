<?xml version="1.0" encoding="UTF-8"?>
<!-- error.xsl: the problem page (RFC 9457 problem details rendered for people) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:choose>
      <xsl:when test="normalize-space(/page/data/title) != ''">
        <xsl:value-of select="/page/data/title"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select='mkt:tr("Something went wrong")'/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <section class="error-page" aria-labelledby="error-title">
      <xsl:if test="normalize-space(status) != ''">
        <p class="error-code">
          <span class="visually-hidden"><xsl:value-of select='mkt:tr("Error code")'/><xsl:text>: </xsl:text></span>
          <xsl:value-of select="status"/>
        </p>
      </xsl:if>
      <h1 id="error-title"><xsl:call-template name="page-title"/></h1>
      <xsl:if test="normalize-space(detail) != ''">
        <p class="error-detail"><xsl:value-of select="detail"/></p>
      </xsl:if>
      <p class="error-actions">
        <a class="button button-primary" href="/services"><xsl:value-of select='mkt:tr("Back to the catalog")'/></a>
      </p>
    </section>
  </xsl:template>

</xsl:stylesheet>
