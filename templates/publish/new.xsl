<?xml version="1.0" encoding="UTF-8"?>
<!-- (being written) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">
  <xsl:import href="../common/layout.xsl"/>
  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Publish")'/>
  </xsl:template>
  <xsl:template match="data" mode="content">
    <h1><xsl:value-of select='mkt:tr("Publish")'/></h1>
  </xsl:template>
</xsl:stylesheet>
