<?xml version="1.0" encoding="UTF-8"?>
<!-- approvals.xsl: the administrators' approval queue (GET /admin/approvals): the versions policy sent to a
     person, oldest first, each with why, the policy warnings and the approve/reject form; then the last
     decisions. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>
  <xsl:import href="../publish/report.xsl"/>

  <xsl:variable name="csrf" select="string(/page/data/csrf)"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Approvals")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/admin"><xsl:value-of select='mkt:tr("Administration")'/></a></li>
        <li><a href="/admin/approvals" aria-current="page"><xsl:value-of select='mkt:tr("Approvals")'/></a></li>
      </ol>
    </nav>
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Approvals")'/></h1>
      <p class="summary">
        <xsl:value-of select='mkt:tr("Waiting")'/>
        <xsl:text>: </xsl:text>
        <strong><xsl:call-template name="number"><xsl:with-param name="value" select="count(waiting/item)"/></xsl:call-template></strong>
      </p>
      <p class="page-intro"><xsl:value-of select='mkt:tr("Versions that passed every check but that policy sends to a person before they are listed. Approving lists the version; rejecting sends it back to the provider with your reason.")'/></p>
    </div>

    <!-- Plain divs around the queue and the decisions: each request is its own list item (a landmark-free
         grouping keeps "the element that holds this service's link" down to one request). -->
    <div class="publish-section">
      <h2 id="queue-h" class="visually-hidden"><xsl:value-of select='mkt:tr("Waiting for a decision")'/></h2>
      <xsl:choose>
        <xsl:when test="waiting/item">
          <ol class="approval-queue">
            <xsl:apply-templates select="waiting/item" mode="request"/>
          </ol>
        </xsl:when>
        <xsl:otherwise>
          <div class="empty-state">
            <p><xsl:value-of select='mkt:tr("Nothing waits for a decision.")'/></p>
            <p><xsl:value-of select='mkt:tr("Versions appear here when an approval rule asks for a person, for example for confidential data or a provider’s first service.")'/></p>
          </div>
        </xsl:otherwise>
      </xsl:choose>
    </div>

    <div class="publish-section">
      <xsl:choose>
        <xsl:when test="decided/item">
          <div class="table-wrap" role="region" aria-labelledby="decided-caption" tabindex="0">
            <table class="data-table decisions-table">
              <caption id="decided-caption"><xsl:value-of select='mkt:tr("Last decisions")'/></caption>
              <thead>
                <tr>
                  <th scope="col"><xsl:value-of select='mkt:tr("Service")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Version")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Decision")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("Reason")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("By")'/></th>
                  <th scope="col"><xsl:value-of select='mkt:tr("When")'/></th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="decided/item">
                  <tr>
                    <th scope="row"><a href="/publish/services/{service}"><xsl:value-of select="name"/></a></th>
                    <td><code><xsl:value-of select="version"/></code></td>
                    <td><xsl:call-template name="decision"><xsl:with-param name="value" select="decision"/></xsl:call-template></td>
                    <td class="cell-reason">
                      <xsl:choose>
                        <xsl:when test="normalize-space(reason) != ''"><xsl:value-of select="reason"/></xsl:when>
                        <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="normalize-space(decided_by) != ''"><xsl:value-of select="decided_by"/></xsl:when>
                        <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="decided_at"/></xsl:call-template></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise>
          <h2 id="decided-caption"><xsl:value-of select='mkt:tr("Last decisions")'/></h2>
          <p class="muted"><xsl:value-of select='mkt:tr("No decisions yet.")'/></p>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- One request: the version, why it waits, the policy warnings, and the decision form. -->
  <xsl:template match="item" mode="request">
    <xsl:variable name="rid" select="concat('r', position())"/>
    <li class="card approval-card" aria-labelledby="{$rid}-h">
      <header class="version-head">
        <h3 id="{$rid}-h">
          <a href="/publish/services/{service}"><xsl:value-of select="name"/></a>
          <xsl:text> </xsl:text>
          <span class="version-number"><xsl:value-of select="version"/></span>
        </h3>
        <xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template>
      </header>
      <dl class="inline-facts">
        <div>
          <dt><xsl:value-of select='mkt:tr("Provider")'/></dt>
          <dd><xsl:value-of select="provider"/></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Compliance level")'/></dt>
          <dd>
            <xsl:choose>
              <xsl:when test="compliance_level = 'public'"><xsl:value-of select='mkt:tr("Public data")'/></xsl:when>
              <xsl:when test="compliance_level = 'internal'"><xsl:value-of select='mkt:tr("Internal data")'/></xsl:when>
              <xsl:when test="compliance_level = 'confidential'"><xsl:value-of select='mkt:tr("Confidential data")'/></xsl:when>
              <xsl:when test="normalize-space(compliance_level) != ''"><xsl:value-of select="compliance_level"/></xsl:when>
              <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
            </xsl:choose>
          </dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Asked")'/></dt>
          <dd><xsl:call-template name="datetime"><xsl:with-param name="value" select="requested_at"/></xsl:call-template></dd>
        </div>
      </dl>

      <div class="approval-grid">
        <div>
          <h4 class="version-subhead"><xsl:value-of select='mkt:tr("Why it needs approval")'/></h4>
          <xsl:choose>
            <xsl:when test="reasons/item">
              <xsl:call-template name="report-violations">
                <xsl:with-param name="items" select="reasons/item"/>
                <xsl:with-param name="severity" select="false()"/>
              </xsl:call-template>
            </xsl:when>
            <xsl:otherwise><p class="muted"><xsl:value-of select='mkt:tr("No reason was recorded.")'/></p></xsl:otherwise>
          </xsl:choose>
          <h4 class="version-subhead"><xsl:value-of select='mkt:tr("Policy warnings")'/></h4>
          <xsl:choose>
            <xsl:when test="warnings/item">
              <xsl:call-template name="report-violations"><xsl:with-param name="items" select="warnings/item"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise><p class="muted"><xsl:value-of select='mkt:tr("None.")'/></p></xsl:otherwise>
          </xsl:choose>
          <p>
            <a href="/publish/services/{service}">
              <xsl:value-of select='mkt:tr("See the full pipeline report")'/>
              <span class="visually-hidden"><xsl:value-of select="concat(': ', name, ' ', version)"/></span>
            </a>
          </p>
        </div>

        <form method="post" action="/admin/approvals/{id}" class="decision-form">
          <input type="hidden" name="csrf" value="{$csrf}"/>
          <div class="field">
            <label for="{$rid}-reason"><xsl:value-of select='mkt:tr("Reason")'/></label>
            <textarea id="{$rid}-reason" name="reason" rows="3" maxlength="2000" aria-describedby="{$rid}-reason-h"></textarea>
            <p class="field-hint" id="{$rid}-reason-h"><xsl:value-of select='mkt:tr("Required to reject: the provider reads it. Optional to approve.")'/></p>
          </div>
          <div class="form-actions">
            <button type="submit" name="decision" value="approve" class="button button-primary"><xsl:value-of select='mkt:tr("Approve")'/></button>
            <button type="submit" name="decision" value="reject" class="button button-danger"><xsl:value-of select='mkt:tr("Reject")'/></button>
          </div>
        </form>
      </div>
    </li>
  </xsl:template>

  <xsl:template name="decision">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="$value = 'approved'"><span class="badge badge-approved"><xsl:value-of select='mkt:tr("Approved")'/></span></xsl:when>
      <xsl:when test="$value = 'rejected'"><span class="badge badge-rejected"><xsl:value-of select='mkt:tr("Rejected")'/></span></xsl:when>
      <xsl:otherwise><span class="badge badge-unknown"><xsl:value-of select="$value"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
