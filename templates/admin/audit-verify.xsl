<?xml version="1.0" encoding="UTF-8"?>
<!-- audit-verify.xsl: the result of recomputing the audit chain (intact with its head, or the first broken seq and why) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Audit chain verification")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Audit chain verification")'/></h1>
      <p><a href="/admin/audit"><xsl:value-of select='mkt:tr("Back to the audit log")'/></a></p>
    </div>
    <xsl:apply-templates select="verify"/>
  </xsl:template>

  <xsl:template match="verify">
    <xsl:choose>
      <xsl:when test="ok = 'true'">
        <div class="card notice notice-ok" role="status">
          <h2 class="verify-result verify-ok"><xsl:value-of select='mkt:tr("The audit chain is intact.")'/></h2>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="card notice notice-error" role="alert">
          <h2 class="verify-result verify-broken"><xsl:value-of select='mkt:tr("The audit chain is broken.")'/></h2>
          <dl>
            <dt><xsl:value-of select='mkt:tr("First bad seq")'/></dt>
            <dd><xsl:value-of select="bad_seq"/></dd>
            <dt><xsl:value-of select='mkt:tr("Reason")'/></dt>
            <dd><xsl:value-of select="reason"/></dd>
          </dl>
        </div>
      </xsl:otherwise>
    </xsl:choose>
    <dl class="facts">
      <dt><xsl:value-of select='mkt:tr("Rows verified")'/></dt>
      <dd><xsl:call-template name="number"><xsl:with-param name="value" select="rows"/></xsl:call-template></dd>
      <dt><xsl:value-of select='mkt:tr("Head seq")'/></dt>
      <dd><xsl:value-of select="head_seq"/></dd>
      <dt><xsl:value-of select='mkt:tr("Head hash")'/></dt>
      <dd><code><xsl:value-of select="head_hash"/></code></dd>
      <dt><xsl:value-of select='mkt:tr("Time taken")'/></dt>
      <dd>
        <xsl:call-template name="number"><xsl:with-param name="value" select="elapsed_ms"/></xsl:call-template>
        <xsl:text> ms</xsl:text>
      </dd>
      <dt><xsl:value-of select='mkt:tr("Rows per second")'/></dt>
      <dd><xsl:call-template name="number"><xsl:with-param name="value" select="rows_per_second"/></xsl:call-template></dd>
    </dl>
    <p class="hint"><xsl:value-of select='mkt:tr("Keep a copy of the head hash elsewhere: only an earlier head kept outside shows that the whole chain was recomputed.")'/></p>
  </xsl:template>

</xsl:stylesheet>
