<?xml version="1.0" encoding="UTF-8"?>
<!-- subscribers.xsl: who subscribes to one service, for its provider and administrators, with a decision form for those waiting -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:variable name="csrf">
    <xsl:choose>
      <xsl:when test="normalize-space(/page/data/csrf) != ''"><xsl:value-of select="/page/data/csrf"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/page/meta/csrf"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Subscribers")'/>
    <xsl:if test="normalize-space(/page/data/service/name) != ''">
      <xsl:value-of select="concat(': ', /page/data/service/name)"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:variable name="waiting" select="count(subscribers/item[status = 'pending'])"/>
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/services"><xsl:value-of select='mkt:tr("Catalog")'/></a></li>
        <li><a href="/services/{service/slug}"><xsl:value-of select="service/name"/></a></li>
        <li><a href="/subscriptions/subscribers?service={service/slug}" aria-current="page"><xsl:value-of select='mkt:tr("Subscribers")'/></a></li>
      </ol>
    </nav>
    <div class="page-head">
      <h1>
        <xsl:value-of select='mkt:tr("Subscribers")'/>
        <xsl:text>: </xsl:text>
        <xsl:value-of select="service/name"/>
      </h1>
      <p class="summary">
        <strong><xsl:call-template name="number"><xsl:with-param name="value" select="$waiting"/></xsl:call-template></strong>
        <xsl:text> </xsl:text>
        <xsl:value-of select='mkt:tr("waiting for a decision")'/>
      </p>
    </div>
    <xsl:if test="notice = 'approved' or notice = 'rejected'">
      <p class="callout callout-attention" role="status">
        <xsl:choose>
          <xsl:when test="notice = 'approved'">
            <xsl:value-of select='mkt:tr("The subscription has been approved.")'/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select='mkt:tr("The subscription has been rejected.")'/>
          </xsl:otherwise>
        </xsl:choose>
      </p>
    </xsl:if>

    <xsl:choose>
      <xsl:when test="subscribers/item">
        <div class="table-wrap" role="region" aria-labelledby="subscribers-caption" tabindex="0">
          <table class="data-table subscribers-table">
            <caption id="subscribers-caption">
              <xsl:value-of select='mkt:tr("Subscribers")'/>
              <xsl:text> </xsl:text>
              <span class="caption-count">(<xsl:value-of select="count(subscribers/item)"/>)</span>
            </caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Subscriber")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Plan")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Since")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Requests this month")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Spent this month")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Decision")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="subscribers/item"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No one subscribes to this service yet.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="subscribers/item">
    <xsl:variable name="row" select="concat('sub-', id)"/>
    <tr id="{$row}">
      <xsl:if test="status = 'pending'">
        <xsl:attribute name="class">is-waiting</xsl:attribute>
      </xsl:if>
      <th scope="row">
        <span id="{$row}-name"><xsl:value-of select="subscriber"/></span>
        <xsl:if test="normalize-space(organization) != ''">
          <span class="provider"><xsl:value-of select="organization"/></span>
        </xsl:if>
      </th>
      <td><xsl:value-of select="plan"/></td>
      <td><xsl:call-template name="badge-subscription"/></td>
      <td><xsl:call-template name="date"><xsl:with-param name="value" select="created_at"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="requests"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="money"><xsl:with-param name="value" select="spent"/></xsl:call-template></td>
      <td class="cell-actions">
        <xsl:choose>
          <xsl:when test="status = 'pending'">
            <!-- One form, two answers: the reason goes with either. -->
            <form method="post" action="/subscriptions/{id}/approve" class="inline-form decide-form">
              <input type="hidden" name="csrf" value="{$csrf}"/>
              <label class="visually-hidden" for="{$row}-reason"><xsl:value-of select='mkt:tr("Reason (optional)")'/></label>
              <input id="{$row}-reason" type="text" name="reason" maxlength="1000"
                     placeholder='{mkt:tr("Reason (optional)")}' aria-describedby="{$row}-name"/>
              <button type="submit" class="button button-small button-primary" aria-describedby="{$row}-name">
                <xsl:value-of select='mkt:tr("Approve")'/>
              </button>
              <button type="submit" class="button button-small button-danger" formaction="/subscriptions/{id}/reject" aria-describedby="{$row}-name">
                <xsl:value-of select='mkt:tr("Reject")'/>
              </button>
            </form>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>
</xsl:stylesheet>
