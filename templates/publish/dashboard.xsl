<?xml version="1.0" encoding="UTF-8"?>
<!-- dashboard.xsl: a provider's services (GET /publish): status, current version, registry, and the way to
     register another; administrators also see how many versions wait for approval. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>
  <xsl:import href="report.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Your services")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:variable name="can-register" select="string(has_organization) = 'true'"/>
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Your services")'/></h1>
      <xsl:if test="$can-register and services/item">
        <a class="button button-primary" href="/publish/new"><xsl:value-of select='mkt:tr("Register a service")'/></a>
      </xsl:if>
      <p class="page-intro"><xsl:value-of select='mkt:tr("The services your organisation publishes, with each one’s pipeline, versions and registry status.")'/></p>
    </div>

    <xsl:if test="approvals_waiting">
      <p class="callout">
        <xsl:if test="number(approvals_waiting) &gt; 0">
          <xsl:attribute name="class">callout callout-attention</xsl:attribute>
        </xsl:if>
        <xsl:value-of select='mkt:tr("Versions waiting for approval")'/>
        <xsl:text>: </xsl:text>
        <strong class="callout-count"><xsl:call-template name="number"><xsl:with-param name="value" select="approvals_waiting"/></xsl:call-template></strong>
        <span class="sep" aria-hidden="true"> · </span>
        <a href="/admin/approvals"><xsl:value-of select='mkt:tr("Open the approval queue")'/></a>
      </p>
    </xsl:if>

    <xsl:if test="not($can-register)">
      <div class="alert" role="note">
        <p><xsl:value-of select='mkt:tr("Your account belongs to no organisation. Ask an administrator to add it to one before you publish.")'/></p>
      </div>
    </xsl:if>

    <xsl:choose>
      <xsl:when test="services/item">
        <div class="table-wrap" role="region" aria-labelledby="mine-caption" tabindex="0">
          <table class="data-table publish-table">
            <caption id="mine-caption">
              <xsl:value-of select='mkt:tr("Services")'/>
              <span class="caption-count">
                <xsl:text> (</xsl:text>
                <xsl:call-template name="number"><xsl:with-param name="value" select="count(services/item)"/></xsl:call-template>
                <xsl:text>)</xsl:text>
              </span>
            </caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Service")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Provider")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Version")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Registry")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Versions")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Updated")'/></th>
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
          <p><xsl:value-of select='mkt:tr("You have not registered a service yet.")'/></p>
          <p><xsl:value-of select='mkt:tr("Register one with its endpoint, prices and OpenAPI contract; the publishing pipeline checks it before it is listed.")'/></p>
          <xsl:if test="$can-register">
            <p><a class="button button-primary" href="/publish/new"><xsl:value-of select='mkt:tr("Register a service")'/></a></p>
          </xsl:if>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="services/item" mode="row">
    <tr>
      <th scope="row" class="cell-service">
        <a class="service-name" href="/publish/services/{slug}"><xsl:value-of select="name"/></a>
        <span class="provider"><xsl:value-of select="slug"/></span>
      </th>
      <td><xsl:value-of select="provider"/></td>
      <td>
        <xsl:choose>
          <xsl:when test="normalize-space(version) != ''"><code><xsl:value-of select="version"/></code></xsl:when>
          <xsl:otherwise><xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("no current version")'/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </td>
      <td><xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template></td>
      <td><xsl:call-template name="registry-status"><xsl:with-param name="status" select="registry_status"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="versions"/></xsl:call-template></td>
      <td><xsl:call-template name="date"><xsl:with-param name="value" select="updated_at"/></xsl:call-template></td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
